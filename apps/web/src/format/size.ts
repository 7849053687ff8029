/** Bytes as Docker prints them: decimal units, three significant digits; "?" when unknown. */
export function formatSize(bytes: number | null): string {
  if (bytes === null) return "?";
  const units = ["B", "kB", "MB", "GB"];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? v : v.toPrecision(3)}${units[i]}`;
}
