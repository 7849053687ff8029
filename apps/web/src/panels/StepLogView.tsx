import { useEffect, useRef } from "react";
import { AnsiStream, parseAnsi, type AnsiSegment } from "../format/ansi.js";
import { useBuild } from "../state/build-store.js";
import type { StepLog } from "../state/step-log.js";

/**
 * How much output one go renders: opening a long log shows its last part, and each "show
 * earlier output" adds as much again above it, so neither holds up the page.
 */
const CHUNK = 64 * 1024;
/** Older output leaves the page once this much is shown, so a chatty step cannot grow it forever. */
const MAX_SHOWN = 1024 * 1024;
/** A line that never ends (progress dots) is broken here rather than redrawn without limit. */
const MAX_OPEN_LINE = 16 * 1024;

/**
 * The step's output from the first line that starts at or after `offset`, and that line's
 * offset: a view begins at a line, so no escape sequence is cut in half.
 */
function fromLineStart(log: StepLog, offset: number): [string, number] {
  if (offset <= log.dropped) return [log.since(log.dropped), log.dropped];
  const text = log.since(offset - 1);
  const cut = text.indexOf("\n") + 1;
  return [text.slice(cut), offset - 1 + cut];
}

const spans = (segments: AnsiSegment[]) =>
  segments.map((seg) => {
    const span = document.createElement("span");
    if (seg.fg !== null) span.classList.add(`ansi-${seg.fg}`);
    if (seg.bold) span.classList.add("ansi-bold");
    span.textContent = seg.text;
    return span;
  });

/** Splits styled runs after their last newline: the finished lines, and the line still open. */
function splitAtLastNewline(segments: AnsiSegment[]): [AnsiSegment[], AnsiSegment[]] {
  for (let i = segments.length - 1; i >= 0; i--) {
    const seg = segments[i]!;
    const at = seg.text.lastIndexOf("\n") + 1;
    if (at === 0) continue;
    const rest = [{ ...seg, text: seg.text.slice(at) }, ...segments.slice(i + 1)].filter((s) => s.text !== "");
    return [[...segments.slice(0, i), { ...seg, text: seg.text.slice(0, at) }], rest];
  }
  return [[], segments];
}

/**
 * A step's live output with ANSI colours, written to the DOM directly, outside React. Each
 * frame's finished lines become one new block and only the unfinished last line is redrawn,
 * so the browser lays out what arrived instead of the whole log again: a step printing
 * thousands of lines a second costs the page one small append per frame. It follows the end
 * unless the reader has scrolled up.
 */
export function StepLogView({ step, line }: { step: string; line: number }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const view = ref.current!;
    const earlier = document.createElement("button");
    earlier.className = "log-earlier";
    const openLine = document.createElement("div");
    /** Each block's offset in the step's whole output, so trimming and "earlier" know where the shown part starts. */
    const blockStart = new WeakMap<Element, number>();
    let ansi = new AnsiStream();
    let open: AnsiSegment[] = [];
    let openAt = 0;
    let shownFrom = 0;
    let shownTo = -1;
    let shownChars = 0;
    // Only the reader leaves the end: scrolls that follow their input decide, not the browser's
    // own (scroll anchoring as blocks out of view settle their size).
    let follow = true;
    let lastInput = -Infinity;
    const onInput = () => (lastInput = performance.now());
    const onScroll = () => {
      if (performance.now() - lastInput < 1000) follow = view.scrollTop + view.clientHeight >= view.scrollHeight - 4;
    };
    const inputs = ["wheel", "pointerdown", "keydown", "touchstart"] as const;
    for (const type of inputs) view.addEventListener(type, onInput, { passive: true });
    view.addEventListener("scroll", onScroll, { passive: true });
    // After the frame's layout, when new blocks have their real height, not before.
    let pinning = false;
    const pinToEnd = () => {
      if (pinning) return;
      pinning = true;
      requestAnimationFrame(() => {
        pinning = false;
        if (follow) view.scrollTop = view.scrollHeight;
      });
    };

    const updateEarlier = (dropped: number) => {
      const label = shownFrom <= dropped ? "" : `Show earlier output (${Math.ceil((shownFrom - dropped) / 1024)} kB more)`;
      if (earlier.textContent === label) return;
      earlier.textContent = label;
      earlier.hidden = label === "";
    };
    const block = (segments: AnsiSegment[], start: number) => {
      const el = document.createElement("div");
      el.append(...spans(segments));
      blockStart.set(el, start);
      shownChars += el.textContent!.length;
      return el;
    };
    /** Shows `text`, which starts at offset `at` of the step's output, after what is shown. */
    const append = (text: string, at: number) => {
      if (open.length === 0) openAt = at;
      let [finished, rest] = splitAtLastNewline([...open, ...ansi.push(text)]);
      const newline = text.lastIndexOf("\n");
      let restAt = newline >= 0 ? at + newline + 1 : openAt;
      if (rest.reduce((n, s) => n + s.text.length, 0) > MAX_OPEN_LINE) [finished, rest, restAt] = [[...finished, ...rest], [], at + text.length];
      if (finished.length > 0) view.insertBefore(block(finished, openAt), openLine);
      open = rest;
      openAt = restAt;
      openLine.replaceChildren(...spans(open));
      if (!follow) return;
      // Only while following: someone reading further up keeps what they are reading.
      while (shownChars > MAX_SHOWN && earlier.nextSibling !== openLine) {
        const first = earlier.nextSibling as Element;
        shownChars -= first.textContent!.length;
        first.remove();
        shownFrom = blockStart.get(earlier.nextSibling as Element) ?? openAt;
      }
      pinToEnd();
    };
    earlier.onclick = () => {
      const log = useBuild.getState().logs.get(step);
      if (!log || shownFrom <= log.dropped) return;
      const [text, at] = fromLineStart(log, shownFrom - CHUNK);
      // Starts at a line of its own, so colours set before it are not known: it begins plain.
      earlier.after(block(parseAnsi(text.slice(0, shownFrom - at)), at));
      shownFrom = at;
      updateEarlier(log.dropped);
    };
    const show = (log: StepLog | undefined) => {
      if (!log || log.end === shownTo) return;
      if (shownTo < log.dropped) {
        // First look, or the step dropped output this view never showed: begin again near the end.
        ansi = new AnsiStream();
        open = [];
        shownChars = 0;
        view.replaceChildren(earlier, openLine);
        const [text, at] = fromLineStart(log, log.end - CHUNK);
        shownFrom = at;
        append(text, at);
      } else append(log.since(shownTo), shownTo);
      shownTo = log.end;
      updateEarlier(log.dropped);
    };
    show(useBuild.getState().logs.get(step));
    // Output events replace the map (the step's log itself grows in place).
    const unsubscribe = useBuild.subscribe((now, before) => {
      if (now.logs !== before.logs) show(now.logs.get(step));
    });
    return () => {
      unsubscribe();
      view.removeEventListener("scroll", onScroll);
      for (const type of inputs) view.removeEventListener(type, onInput);
    };
  }, [step]);
  return <div className="step-logs" ref={ref} role="log" aria-live="off" tabIndex={0} aria-label={`Output of line ${line}`} />;
}
