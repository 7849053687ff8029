/** Sizes as Docker prints them: decimal units, three significant digits (`1.24MB`, `0B`). */
export function humanSize(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB"];
  let value = bytes;
  let i = 0;
  while (value >= 1000 && i < units.length - 1) {
    value /= 1000;
    i++;
  }
  return `${i === 0 ? value : Number(value.toPrecision(3))}${units[i]}`;
}

/** Ages as Docker prints them: `Less than a second`, `About a minute`, `3 hours`, `2 weeks`... plus " ago". */
export function humanAge(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "N/A";
  const seconds = Math.max(0, (now - Date.parse(iso)) / 1000);
  const span = (() => {
    if (seconds < 1) return "Less than a second";
    if (seconds < 60) return `${Math.floor(seconds)} seconds`;
    const minutes = seconds / 60;
    if (minutes < 2) return "About a minute";
    if (minutes < 60) return `${Math.floor(minutes)} minutes`;
    const hours = minutes / 60;
    if (Math.round(hours) === 1) return "About an hour";
    if (hours < 48) return `${Math.round(hours)} hours`;
    const days = hours / 24;
    if (days < 14) return `${Math.floor(days)} days`;
    if (days < 60) return `${Math.floor(days / 7)} weeks`;
    if (days < 365 * 2) return `${Math.floor(days / 30)} months`;
    return `${Math.floor(days / 365)} years`;
  })();
  return `${span} ago`;
}

/** Left-aligned columns separated by at least three spaces, like Docker's tables. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]! + 3))).join("").trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}
