/** What each instruction does and its syntax, for hovers and completion details. */
export const INSTRUCTION_DOCS: Record<string, { syntax: string; doc: string }> = {
  FROM: { syntax: "FROM [--platform=<platform>] <image>[:<tag>|@<digest>] [AS <name>]", doc: "Starts a build stage from a base image, another stage, or `scratch`." },
  RUN: { syntax: "RUN [--mount=...] [--network=...] <command> | RUN [\"exe\", \"arg\"]", doc: "Runs a command in a new layer on top of the current image; its changes become the layer." },
  CMD: { syntax: "CMD [\"exe\", \"arg\"] | CMD command arg", doc: "The default command (or default arguments to ENTRYPOINT) when a container starts. Only the last CMD counts." },
  LABEL: { syntax: "LABEL <key>=<value> ...", doc: "Adds metadata to the image config." },
  MAINTAINER: { syntax: "MAINTAINER <name>", doc: "Deprecated: sets the image author. Use `LABEL org.opencontainers.image.authors=...`." },
  EXPOSE: { syntax: "EXPOSE <port>[/<protocol>] ...", doc: "Documents the ports the container listens on; publishes nothing by itself." },
  ENV: { syntax: "ENV <key>=<value> ...", doc: "Sets environment variables for later instructions and for containers." },
  ADD: { syntax: "ADD [--chown=..] [--chmod=..] [--checksum=..] <src>... <dest>", doc: "Copies files, unpacks local tar archives, and downloads URLs into the image. Prefer COPY for plain files." },
  COPY: { syntax: "COPY [--from=<stage|image>] [--chown=..] [--chmod=..] [--link] [--parents] [--exclude=..] <src>... <dest>", doc: "Copies files from the build context or another stage or image into the image." },
  ENTRYPOINT: { syntax: "ENTRYPOINT [\"exe\", \"arg\"] | ENTRYPOINT command arg", doc: "The executable a container runs; CMD supplies its default arguments (exec form only)." },
  VOLUME: { syntax: "VOLUME [\"/path\"] | VOLUME /path ...", doc: "Marks paths as mount points for external volumes." },
  USER: { syntax: "USER <user>[:<group>]", doc: "The user (and group) later RUN, CMD and ENTRYPOINT run as." },
  WORKDIR: { syntax: "WORKDIR <path>", doc: "Sets (and creates) the working directory for later instructions and containers." },
  ARG: { syntax: "ARG <name>[=<default>] ...", doc: "Declares a build argument, set with `--build-arg`. Before the first FROM it is global, for FROM lines only." },
  ONBUILD: { syntax: "ONBUILD <instruction>", doc: "Records an instruction to run when this image is used as a base for another build." },
  STOPSIGNAL: { syntax: "STOPSIGNAL <signal>", doc: "The signal `stop` sends to a container (SIGTERM by default)." },
  HEALTHCHECK: { syntax: "HEALTHCHECK [--interval=..] [--timeout=..] [--start-period=..] [--retries=..] CMD <command> | HEALTHCHECK NONE", doc: "How to check that a container still works." },
  SHELL: { syntax: "SHELL [\"executable\", \"param\"]", doc: "The shell shell-form RUN, CMD and ENTRYPOINT use (default `[\"/bin/sh\", \"-c\"]`)." },
};

/** Flags by instruction, with what each does. */
export const FLAG_DOCS: Record<string, Record<string, string>> = {
  FROM: { platform: "Platform of the base image, e.g. `linux/arm64` or `$BUILDPLATFORM`." },
  RUN: {
    mount: "Mounts for this step only: `type=cache,target=/root/.cache`, `type=bind`, `type=tmpfs`, `type=secret,id=..`, `type=ssh`.",
    network: "`default`, `none` (no network) or `host`.",
    security: "`sandbox` (default) or `insecure` (needs an entitlement).",
  },
  COPY: {
    from: "Copy from a stage (name or index) or an image instead of the build context.",
    chown: "Owner of the copied files: `user[:group]`, names resolved in the image.",
    chmod: "Mode of the copied files, e.g. `0755`.",
    link: "Copy into an independent layer that does not depend on the layers below.",
    parents: "Keep the source paths' parent directories under the destination.",
    exclude: "Leave out paths matching this pattern.",
  },
  ADD: {
    chown: "Owner of the added files: `user[:group]`.",
    chmod: "Mode of the added files, e.g. `0644`.",
    link: "Add into an independent layer.",
    "keep-git-dir": "Keep `.git` when adding a git repository.",
    checksum: "Expected `sha256:...` of a downloaded URL; the build fails on a mismatch.",
    unpack: "Unpack (or not) a tar archive that is added.",
    exclude: "Leave out paths matching this pattern.",
  },
  HEALTHCHECK: {
    interval: "Time between checks (default 30s).",
    timeout: "Time a check may take (default 30s).",
    "start-period": "Grace period after start (default 0s).",
    "start-interval": "Time between checks during the start period (default 5s).",
    retries: "Failures in a row before the container is unhealthy (default 3).",
  },
};
