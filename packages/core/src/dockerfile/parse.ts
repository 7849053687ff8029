import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.js";
import type { Comment, Dockerfile, Heredoc, Instruction } from "./ast.js";
import { scanDirectives } from "./directives.js";
import { parseMaybeJson } from "./exec-form.js";
import { extractFlags } from "./flags.js";
import { findHeredocMarkers, HEREDOC_INSTRUCTIONS } from "./heredoc.js";
import { buildInstruction, type RawInstruction } from "./instructions.js";
import { MappedText, rangeFrom, rangeOnLine, type SourceRange } from "./source-range.js";
import { isSpace } from "./words.js";

function splitLines(text: string): string[] {
  return text.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
}

function leadingSpace(line: string): number {
  let i = 0;
  while (i < line.length && isSpace(line[i]!)) i++;
  return i;
}

/**
 * A line continues when it ends with the escape character plus optional spaces or tabs,
 * and that escape is not itself escaped. Returns the index of the escape, or -1.
 */
function continuationAt(line: string, escapeChar: string): number {
  let end = line.length;
  while (end > 0 && (line[end - 1] === " " || line[end - 1] === "\t")) end--;
  if (end === 0 || line[end - 1] !== escapeChar) return -1;
  if (end >= 2 && line[end - 2] === escapeChar) return -1;
  return end - 1;
}

interface Cursor {
  lines: string[];
  next: number;
}

/**
 * Parses a Dockerfile the way BuildKit's frontend does and never throws: malformed input
 * yields an AST of what could be understood plus diagnostics with positions.
 */
export function parseDockerfile(input: string): Dockerfile {
  const text = input.startsWith("\uFEFF") ? input.slice(1) : input;
  const lines = splitLines(text);
  const scan = scanDirectives(lines);
  const diagnostics: Diagnostic[] = [...scan.diagnostics];
  const comments: Comment[] = scan.directives.map((d) => ({ text: lines[d.range.line - 1]!, range: d.range }));
  const emptyContinuationLines: SourceRange[] = [];
  const instructions: Instruction[] = [];
  const escapeChar = scan.escapeChar;
  const cursor: Cursor = { lines, next: scan.bodyStart };

  while (cursor.next < lines.length) {
    const lineIndex = cursor.next++;
    const line = lines[lineIndex]!;
    const indent = leadingSpace(line);
    if (indent === line.length) continue;
    if (line[indent] === "#") {
      comments.push({ text: line.slice(indent), range: rangeOnLine(lineIndex + 1, indent + 1, line.length + 1) });
      continue;
    }
    const logical = new MappedText();
    let lastLine = lineIndex;
    let lastColumn = line.length + 1;
    let piece = line.slice(indent);
    let pieceColumn = indent + 1;
    let cont = continuationAt(piece, escapeChar);
    while (cont >= 0) {
      logical.append(piece.slice(0, cont), lastLine + 1, pieceColumn);
      let found = false;
      while (cursor.next < lines.length) {
        const idx = cursor.next++;
        const l = lines[idx]!;
        const lead = leadingSpace(l);
        if (lead === l.length) {
          emptyContinuationLines.push(rangeOnLine(idx + 1, 1, l.length + 1));
          continue;
        }
        if (l[lead] === "#") {
          comments.push({ text: l.slice(lead), range: rangeOnLine(idx + 1, lead + 1, l.length + 1) });
          continue;
        }
        lastLine = idx;
        lastColumn = l.length + 1;
        piece = l;
        pieceColumn = 1;
        found = true;
        break;
      }
      if (!found) {
        piece = "";
        break;
      }
      cont = continuationAt(piece, escapeChar);
    }
    logical.append(piece, lastLine + 1, pieceColumn);
    const instruction = readInstruction(logical, cursor, escapeChar, instructions.length, diagnostics, {
      line: lastLine + 1,
      column: lastColumn,
    });
    instructions.push(instruction);
  }

  if (instructions.length === 0 && diagnostics.every((d) => d.severity !== "error")) {
    const message = text.length === 0 ? "the Dockerfile cannot be empty" : "file with no instructions";
    diagnostics.push(
      diagnostic("parse/empty", "error", message, rangeOnLine(1, 1, (lines[0]?.length ?? 0) + 1), { hint: "start with FROM IMAGE" }),
    );
  }
  return {
    directives: scan.directives,
    escapeChar,
    comments: comments.sort((a, b) => a.range.line - b.range.line),
    instructions,
    diagnostics,
    emptyContinuationLines,
    lineCount: lines.length,
  };
}

function readInstruction(
  logical: MappedText,
  cursor: Cursor,
  escapeChar: string,
  index: number,
  diagnostics: Diagnostic[],
  end: { line: number; column: number },
): Instruction {
  const t = logical.text;
  let kwEnd = 0;
  while (kwEnd < t.length && !isSpace(t[kwEnd]!)) kwEnd++;
  const keyword = t.slice(0, kwEnd);
  let restStart = kwEnd;
  while (restStart < t.length && isSpace(t[restStart]!)) restStart++;
  const rest = logical.slice(restStart);
  const keywordRange = logical.rangeOf(0, kwEnd);
  const upper = keyword.toUpperCase();

  let heredocHost = upper;
  let onbuildTriggerStart = -1;
  if (upper === "ONBUILD") {
    const sub = /^\S+/.exec(rest.text);
    heredocHost = sub ? sub[0].toUpperCase() : "";
    onbuildTriggerStart = 0;
  }
  const heredocs: Heredoc[] = [];
  if (HEREDOC_INSTRUCTIONS.has(heredocHost) && rest.text.includes("<<") && !isJsonForm(upper === "ONBUILD" ? rest.text.replace(/^\S+\s*/, "") : rest.text, escapeChar)) {
    for (const marker of findHeredocMarkers(rest.text)) {
      heredocs.push(readHeredocBody(cursor, marker, rest.rangeOf(marker.start, marker.end), diagnostics));
    }
  }
  const lastBody = heredocs[heredocs.length - 1];
  const range = rangeFrom(logical.positionAt(0), lastBody ? { line: lastBody.bodyRange.endLine, column: lastBody.bodyRange.endColumn } : end);
  const raw: RawInstruction = { keyword, keywordRange, rest, range, heredocs, index };

  if (upper !== "ONBUILD" || onbuildTriggerStart < 0) return buildInstruction(raw, escapeChar, diagnostics);
  return buildOnbuild(raw, escapeChar, diagnostics);
}

/** JSON form cannot hold heredocs: `RUN ["cat", "<<EOF"]` is an exec array, not a marker. */
function isJsonForm(args: string, escapeChar: string): boolean {
  return parseMaybeJson(args.slice(extractFlags(args, escapeChar).argsStart)).kind !== "shell";
}

function buildOnbuild(raw: RawInstruction, escapeChar: string, diagnostics: Diagnostic[]): Instruction {
  const rest = raw.rest;
  const base = {
    keyword: raw.keyword,
    keywordRange: raw.keywordRange,
    range: raw.range,
    flags: [],
    argsText: rest.text,
    argsRange: rest.text.length > 0 ? rest.rangeOf(0, rest.text.length) : raw.keywordRange,
    heredocs: raw.heredocs,
    index: raw.index,
  };
  const t = rest.text;
  if (t.trim().length === 0) {
    diagnostics.push(
      diagnostic("parse/invalid-instruction", "error", "ONBUILD requires at least one argument", raw.keywordRange, {
        hint: "write ONBUILD followed by an instruction",
      }),
    );
    return { ...base, kind: "ONBUILD", trigger: null };
  }
  let kwEnd = 0;
  while (kwEnd < t.length && !isSpace(t[kwEnd]!)) kwEnd++;
  const triggerKeyword = t.slice(0, kwEnd);
  const upper = triggerKeyword.toUpperCase();
  const triggerKeywordRange = rest.rangeOf(0, kwEnd);
  if (upper === "ONBUILD" || upper === "FROM" || upper === "MAINTAINER") {
    const message =
      upper === "ONBUILD"
        ? "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"
        : `${upper} isn't allowed as an ONBUILD trigger`;
    diagnostics.push(
      diagnostic("parse/invalid-onbuild", "error", message, triggerKeywordRange, {
        hint: "ONBUILD triggers cannot be ONBUILD, FROM or MAINTAINER",
      }),
    );
    return { ...base, kind: "ONBUILD", trigger: null };
  }
  let restStart = kwEnd;
  while (restStart < t.length && isSpace(t[restStart]!)) restStart++;
  const trigger = buildInstruction(
    {
      keyword: triggerKeyword,
      keywordRange: triggerKeywordRange,
      rest: rest.slice(restStart),
      range: rangeFrom(
        { line: triggerKeywordRange.line, column: triggerKeywordRange.column },
        { line: raw.range.endLine, column: raw.range.endColumn },
      ),
      heredocs: raw.heredocs,
      index: raw.index,
    },
    escapeChar,
    diagnostics,
  );
  return { ...base, kind: "ONBUILD", trigger };
}

function readHeredocBody(
  cursor: Cursor,
  marker: ReturnType<typeof findHeredocMarkers>[number],
  markerRange: SourceRange,
  diagnostics: Diagnostic[],
): Heredoc {
  const startLine = cursor.next;
  let content = "";
  let terminated = false;
  while (cursor.next < cursor.lines.length) {
    const idx = cursor.next++;
    const line = cursor.lines[idx]!;
    if ((marker.stripTabs ? line.replace(/^\t+/, "") : line) === marker.name) {
      terminated = true;
      break;
    }
    content += line + "\n";
  }
  const lastIdx = cursor.next - 1;
  const bodyRange =
    cursor.next > startLine
      ? rangeFrom({ line: startLine + 1, column: 1 }, { line: lastIdx + 1, column: (cursor.lines[lastIdx]?.length ?? 0) + 1 })
      : rangeFrom({ line: markerRange.endLine, column: markerRange.endColumn }, { line: markerRange.endLine, column: markerRange.endColumn });
  if (!terminated) {
    diagnostics.push(
      diagnostic("parse/unterminated-heredoc", "error", "unterminated heredoc", markerRange, {
        hint: `add a line containing only ${marker.name} after the body`,
      }),
    );
  }
  return {
    name: marker.name,
    quoted: marker.quoted,
    stripTabs: marker.stripTabs,
    fd: marker.fd,
    content,
    markerRange,
    bodyRange,
    terminated,
  };
}
