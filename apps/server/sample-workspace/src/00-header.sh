#!/bin/sh
echo "Hello from the Layerlab sample"
