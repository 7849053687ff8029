echo "vendored packages:"
ls /usr/share/app/vendor
