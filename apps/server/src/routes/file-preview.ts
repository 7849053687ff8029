/** Text is valid UTF-8 without NUL bytes; a character cut at the cap does not make it binary. */
export function isText(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false;
  for (let trim = 0; trim < 4 && trim <= bytes.length; trim++) {
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, bytes.length - trim));
      return true;
    } catch {
      // Try again without a possibly cut multi-byte character at the end.
    }
  }
  return false;
}

/** `xxd`-style lines: offset, sixteen hex bytes, and the printable characters. */
export function hexDump(bytes: Buffer): string {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += 16) {
    const row = bytes.subarray(at, at + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    const chars = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
    lines.push(`${at.toString(16).padStart(8, "0")}  ${hex.padEnd(47)}  |${chars}|`);
  }
  return lines.join("\n");
}
