import type { BuildEvent } from "@layerlab/core";
import { humanSize } from "./human.js";

type Write = (s: string) => void;

const paint = (code: number, s: string, on: boolean) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
const short = (instruction: string) => (instruction.length > 70 ? `${instruction.slice(0, 69)}…` : instruction);

/** A finished step as one line: CACHED/MISS, line, instruction, time, layer size, and why it missed. */
function finishedLine(e: Extract<BuildEvent, { type: "step.finished" }>, label: string, colors: boolean): string {
  const badge = e.cache === "hit" ? paint(32, "CACHED", colors) : e.cache === "miss" ? paint(33, "MISS  ", colors) : "      ";
  const layer = e.layer ? `  ${humanSize(e.layer.size)}` : "";
  const why = e.cache === "miss" && e.reason ? paint(2, `  ← ${e.reason}`, colors) : "";
  return `${badge} line ${String(e.line).padEnd(4)} ${label}  ${(e.durationMs / 1000).toFixed(1)}s${layer}${why}`;
}

function endLine(e: BuildEvent, colors: boolean): string | null {
  if (e.type === "build.finished") return `${paint(1, "built", colors)} ${e.imageId}${e.tags.length ? ` (${e.tags.join(", ")})` : ""} in ${(e.durationMs / 1000).toFixed(1)}s, ${humanSize(e.size)}`;
  return null;
}

/** `--progress=plain`: one line per log line and per finished step, in order. */
export function plainProgress(out: Write, err: Write): (e: BuildEvent) => void {
  const steps = new Map<string, string>();
  return (e) => {
    if (e.type === "step.started") steps.set(e.step, `[${e.stage}] ${short(e.instruction)}`);
    else if (e.type === "step.log") for (const line of e.text.split("\n").filter(Boolean)) out(`  │ ${line}`);
    else if (e.type === "step.finished") out(finishedLine(e, steps.get(e.step) ?? e.instruction, false));
    else if (e.type === "build.failed") err(`error: ${e.error.message}`);
    else {
      const end = endLine(e, false);
      if (end) out(end);
    }
  };
}

interface Running {
  label: string;
  started: number;
  cache: "hit" | "miss" | null;
  logs: string[];
}

/**
 * `--progress=tty`: BuildKit-like live view. Finished steps scroll up as coloured lines; below
 * them, every running step is redrawn in place with its elapsed time and its last log lines.
 */
export class TtyProgress {
  private readonly running = new Map<string, Running>();
  private readonly labels = new Map<string, string>();
  private drawn = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    private readonly write: Write,
    private readonly now: () => number = Date.now,
    private readonly logLines = 4,
    /** Footer lines are cut to the terminal's width: a wrapped line would break the redraw. */
    private readonly width = () => process.stdout.columns || 120,
  ) {
    this.timer = setInterval(() => this.redraw(), 100);
    this.timer.unref();
  }

  onEvent = (e: BuildEvent): void => {
    if (e.type === "step.started") {
      const label = `[${e.stage}] ${short(e.instruction)}`;
      this.labels.set(e.step, label);
      this.running.set(e.step, { label, started: this.now(), cache: null, logs: [] });
    } else if (e.type === "step.cache") {
      const r = this.running.get(e.step);
      if (r) r.cache = e.cache;
    } else if (e.type === "step.log") {
      const r = this.running.get(e.step);
      if (r) r.logs = [...r.logs, ...e.text.split("\n").filter(Boolean)].slice(-this.logLines);
    } else if (e.type === "step.finished") {
      this.running.delete(e.step);
      this.above(finishedLine(e, this.labels.get(e.step) ?? e.instruction, true));
    } else if (e.type === "build.failed") {
      this.stop();
      this.above(`${paint(31, "error", true)}: ${e.error.message}`);
    } else {
      const end = endLine(e, true);
      if (end) {
        this.stop();
        this.above(end);
      }
    }
  };

  /** Stops redrawing (the build ended); what is on screen stays. */
  stop(): void {
    clearInterval(this.timer);
    this.running.clear();
    this.redraw();
  }

  private clear(): string {
    return this.drawn > 0 ? `\x1b[${this.drawn}F\x1b[J` : "";
  }

  private footer(): string[] {
    const lines: string[] = [];
    const fit = (s: string, room: number) => (s.length > room ? `${s.slice(0, Math.max(0, room - 1))}…` : s);
    const width = this.width();
    for (const r of this.running.values()) {
      const seconds = ((this.now() - r.started) / 1000).toFixed(1);
      const tail = `  ${seconds}s${r.cache === "miss" ? "  running" : ""}`;
      lines.push(`${paint(34, "=>", true)} ${fit(r.label, width - 4 - tail.length)}  ${paint(2, `${seconds}s`, true)}${r.cache === "miss" ? paint(33, "  running", true) : ""}`);
      for (const l of r.logs) lines.push(paint(2, `   │ ${fit(l, width - 6)}`, true));
    }
    return lines;
  }

  private above(line: string): void {
    const footer = this.footer();
    this.write(`${this.clear()}${line}\n${footer.map((l) => `${l}\n`).join("")}`);
    this.drawn = footer.length;
  }

  private redraw(): void {
    const footer = this.footer();
    if (footer.length === 0 && this.drawn === 0) return;
    this.write(`${this.clear()}${footer.map((l) => `${l}\n`).join("")}`);
    this.drawn = footer.length;
  }
}
