/** Test helpers shared by packages: real parts (busybox-static, docker, a local registry), started on demand. */
export { busyboxRootfsTar } from "../archive/busybox-rootfs.js";
export { docker, dockerBytes } from "./docker-cli.js";
export { startRegistry, type LocalRegistry } from "./local-registry.js";
export { startTokenServer } from "./token-server.js";
export { buildkitDecisions } from "./docker-buildkit.js";
export { waitUntil } from "./wait-until.js";
