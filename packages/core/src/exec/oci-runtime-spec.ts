/** Docker's default capability set for containers and RUN steps. */
export const DEFAULT_CAPS = [
  "CAP_CHOWN",
  "CAP_DAC_OVERRIDE",
  "CAP_FSETID",
  "CAP_FOWNER",
  "CAP_MKNOD",
  "CAP_NET_RAW",
  "CAP_SETGID",
  "CAP_SETUID",
  "CAP_SETFCAP",
  "CAP_SETPCAP",
  "CAP_NET_BIND_SERVICE",
  "CAP_SYS_CHROOT",
  "CAP_KILL",
  "CAP_AUDIT_WRITE",
];

export interface ProcessSpec {
  argv: string[];
  env: string[];
  cwd: string;
  uid: number;
  gid: number;
  additionalGids: number[];
  hostname: string;
  /** `none`: own network namespace with nothing in it; `host`: the host's network. */
  network: "none" | "host";
  /** Host path of a static init (tini) to run as PID 1, bind-mounted at /dev/init. */
  init: string | null;
  extraMounts?: { source: string; destination: string; readonly: boolean; type?: "bind" | "tmpfs" }[];
  /** Give the process a terminal (runc hands its master to whoever holds the console socket). */
  terminal?: boolean;
}

/**
 * An OCI runtime spec for runc: own mount, PID, IPC and UTS namespaces (and network unless
 * host), Docker's default capabilities, no-new-privileges, Docker's masked and read-only
 * paths, and an init as PID 1 that reaps zombies and forwards signals.
 */
export function runtimeSpec(rootfs: string, p: ProcessSpec): object {
  const caps = { bounding: DEFAULT_CAPS, effective: DEFAULT_CAPS, permitted: DEFAULT_CAPS, inheritable: [] as string[], ambient: [] as string[] };
  // `-p SIGKILL`: when runc goes (and it goes with Layerlab, by its own parent-death signal),
  // the init dies and the kernel kills everything else in the PID namespace.
  const args = p.init ? ["/dev/init", "-p", "SIGKILL", "--", ...p.argv] : p.argv;
  return {
    ociVersion: "1.0.2",
    process: {
      terminal: p.terminal ?? false,
      user: { uid: p.uid, gid: p.gid, additionalGids: p.additionalGids },
      args,
      env: p.env,
      cwd: p.cwd,
      capabilities: caps,
      noNewPrivileges: true,
    },
    root: { path: rootfs, readonly: false },
    hostname: p.hostname,
    mounts: [
      { destination: "/proc", type: "proc", source: "proc" },
      { destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"] },
      { destination: "/dev/pts", type: "devpts", source: "devpts", options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"] },
      { destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"] },
      { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
      { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"] },
      ...(p.init ? [{ destination: "/dev/init", type: "bind", source: p.init, options: ["bind", "ro"] }] : []),
      ...(p.extraMounts ?? []).map((m) =>
        m.type === "tmpfs"
          ? { destination: m.destination, type: "tmpfs", source: "tmpfs", options: ["nosuid", "nodev", "mode=1777"] }
          : { destination: m.destination, type: "bind", source: m.source, options: ["rbind", m.readonly ? "ro" : "rw"] },
      ),
    ],
    linux: {
      namespaces: [{ type: "pid" }, { type: "ipc" }, { type: "uts" }, { type: "mount" }, ...(p.network === "none" ? [{ type: "network" }] : [])],
      resources: { devices: [{ allow: false, access: "rwm" }] },
      maskedPaths: ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware"],
      readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"],
    },
  };
}
