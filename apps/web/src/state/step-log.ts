/** A step keeps this much of its output (its last part), between one and two times over. */
export const MAX_STEP_LOG = 2 * 1024 * 1024;

/**
 * A step's output as the chunks it arrived in, appended in place (a build's events are applied
 * once, in order). A viewer reads from the offset it has shown up to and gets only what is new:
 * keeping the output as one string meant copying all of it, every frame, to read the end.
 * Offsets count from the step's first output, so they stay valid after old chunks are dropped.
 */
export class StepLog {
  private chunks: string[] = [];
  private starts: number[] = [];
  /** Characters dropped from the front. */
  dropped = 0;
  /** Offset just past the last character. */
  end = 0;

  append(text: string): void {
    this.chunks.push(text);
    this.starts.push(this.end);
    this.end += text.length;
    if (this.end - this.dropped <= 2 * MAX_STEP_LOG) return;
    let keepFrom = 0;
    while (this.end - this.starts[keepFrom + 1]! >= MAX_STEP_LOG) keepFrom++;
    this.chunks = this.chunks.slice(keepFrom);
    this.starts = this.starts.slice(keepFrom);
    this.dropped = this.starts[0]!;
  }

  /** The output from `offset` (at least where what is kept begins) to the end. */
  since(offset: number): string {
    const from = Math.max(offset, this.dropped);
    if (from >= this.end) return "";
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= from) lo = mid;
      else hi = mid - 1;
    }
    return this.chunks[lo]!.slice(from - this.starts[lo]!) + this.chunks.slice(lo + 1).join("");
  }
}
