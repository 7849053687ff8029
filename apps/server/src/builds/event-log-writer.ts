import { appendFile } from "node:fs/promises";

/**
 * Appends a build's events to its NDJSON file in order. Events that arrive while a write is in
 * flight go out together in the next one: a step printing thousands of lines a second costs a
 * few writes a second instead of an open, write and close per line.
 */
export class EventLogWriter {
  private buffered: string[] = [];
  private writing: Promise<void> | null = null;
  private failure: unknown = null;

  constructor(private readonly path: string) {}

  append(event: unknown): void {
    this.buffered.push(`${JSON.stringify(event)}\n`);
    this.writing ??= this.drain();
  }

  /** Resolves once every appended event is on disk; rejects if a write failed. */
  async flushed(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.failure !== null) throw this.failure;
  }

  private async drain(): Promise<void> {
    while (this.buffered.length > 0) {
      const text = this.buffered.join("");
      this.buffered = [];
      try {
        await appendFile(this.path, text);
      } catch (e) {
        this.failure ??= e;
      }
    }
    this.writing = null;
  }
}
