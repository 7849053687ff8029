import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EventLogWriter } from "./event-log-writer.js";

describe("a build's event log on disk", () => {
  it("holds every event, in order, one JSON line each, however fast they come", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "event-log-")), "b.ndjson");
    const writer = new EventLogWriter(path);
    for (let seq = 0; seq < 5000; seq++) writer.append({ seq, text: `line ${seq}\n` });
    await writer.flushed();
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    expect(lines.map((l) => (JSON.parse(l) as { seq: number }).seq)).toEqual([...Array(5000).keys()]);
  });

  it("reports a write that failed instead of losing events silently", async () => {
    const writer = new EventLogWriter(join(tmpdir(), "no-such-dir-for-layerlab", "b.ndjson"));
    writer.append({ seq: 0 });
    await expect(writer.flushed()).rejects.toThrow(/ENOENT/);
  });
});
