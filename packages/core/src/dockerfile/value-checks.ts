const SIGNALS = new Set([
  "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL", "PIPE", "POLL",
  "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP", "TTIN", "TTOU", "URG", "USR1",
  "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "UNUSED",
  ...Array.from({ length: 15 }, (_, i) => `RTMIN+${i + 1}`),
  ...Array.from({ length: 15 }, (_, i) => `RTMAX-${i + 1}`),
  "RTMIN", "RTMAX",
]);

/** STOPSIGNAL accepts a non-zero number or a signal name with or without `SIG` (any case). */
export function signalProblem(value: string): string | null {
  if (/^\d+$/.test(value)) return Number(value) === 0 ? `invalid signal: ${value}` : null;
  const name = value.toUpperCase().replace(/^SIG/, "");
  return SIGNALS.has(name) ? null : `invalid signal: ${value}`;
}

const PORT_RANGE = /^(\d+)(?:-(\d+))?$/;

function rangeOk(text: string): boolean {
  const m = PORT_RANGE.exec(text);
  if (!m) return false;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  return a >= 0 && b <= 65535 && a <= b;
}

/** EXPOSE's `[ip:][hostPort:]port[-end][/proto]` with proto tcp, udp or sctp. */
export function portProblem(raw: string): string | null {
  const slash = raw.lastIndexOf("/");
  const proto = slash < 0 ? "tcp" : raw.slice(slash + 1);
  const body = slash < 0 ? raw : raw.slice(0, slash);
  if (!["tcp", "udp", "sctp"].includes(proto.toLowerCase())) return `invalid port: "${raw}": invalid proto: ${proto}`;
  if (body === "") return `invalid port: "${raw}": no port specified`;
  const parts = body.split(":");
  const container = parts[parts.length - 1]!;
  if (container === "") return `invalid port: "${raw}": no port specified`;
  if (!rangeOk(container)) return `invalid containerPort: ${container}`;
  if (parts.length >= 2) {
    const host = parts[parts.length - 2]!;
    if (host !== "" && !rangeOk(host)) return `invalid hostPort: ${host}`;
  }
  return null;
}
