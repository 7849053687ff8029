/** 1-based line and column; columns count UTF-16 code units, as Monaco does. */
export interface Position {
  line: number;
  column: number;
}

/** A span of source text. The end column is exclusive, so an empty range has column === endColumn. */
export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function rangeFrom(start: Position, end: Position): SourceRange {
  return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}

export function rangeOnLine(line: number, column: number, endColumn: number): SourceRange {
  return { line, column, endLine: line, endColumn };
}

export function rangeUnion(a: SourceRange, b: SourceRange): SourceRange {
  const startFirst = a.line < b.line || (a.line === b.line && a.column <= b.column);
  const endLast = a.endLine > b.endLine || (a.endLine === b.endLine && a.endColumn >= b.endColumn);
  return {
    line: startFirst ? a.line : b.line,
    column: startFirst ? a.column : b.column,
    endLine: endLast ? a.endLine : b.endLine,
    endColumn: endLast ? a.endColumn : b.endColumn,
  };
}

/** One piece of a logical line: the characters it contributes and where they sit in the file. */
interface Segment {
  logicalStart: number;
  line: number;
  column: number;
  length: number;
}

/**
 * Text assembled from pieces of several physical lines (continuations drop the escape
 * and the newline), with a map back to file positions so every token keeps its range.
 */
export class MappedText {
  private readonly segments: Segment[] = [];
  text = "";

  append(piece: string, line: number, column: number): void {
    if (piece.length === 0) return;
    this.segments.push({ logicalStart: this.text.length, line, column, length: piece.length });
    this.text += piece;
  }

  /** File position of the character at `offset`; offsets at the very end map just past the last character. */
  positionAt(offset: number): Position {
    const segs = this.segments;
    if (segs.length === 0) return { line: 1, column: 1 };
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid]!.logicalStart <= offset) lo = mid;
      else hi = mid - 1;
    }
    const seg = segs[lo]!;
    const within = Math.min(offset - seg.logicalStart, seg.length);
    return { line: seg.line, column: seg.column + Math.max(0, within) };
  }

  /** Range of the logical span [start, end). */
  rangeOf(start: number, end: number): SourceRange {
    const from = this.positionAt(start);
    if (end <= start) return rangeFrom(from, from);
    const last = this.positionAt(end - 1);
    return rangeFrom(from, { line: last.line, column: last.column + 1 });
  }

  slice(start: number, end?: number): MappedText {
    const out = new MappedText();
    const stop = end ?? this.text.length;
    for (const seg of this.segments) {
      const a = Math.max(start, seg.logicalStart);
      const b = Math.min(stop, seg.logicalStart + seg.length);
      if (a < b) out.append(this.text.slice(a, b), seg.line, seg.column + (a - seg.logicalStart));
    }
    return out;
  }
}
