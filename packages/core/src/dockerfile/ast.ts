import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { SourceRange } from "./source-range.js";

/** A piece of text as written (quotes and escapes intact) with its place in the file. */
export interface Word {
  raw: string;
  range: SourceRange;
}

export interface Directive {
  name: "syntax" | "escape" | "check";
  value: string;
  range: SourceRange;
  valueRange: SourceRange;
}

export interface Comment {
  text: string;
  range: SourceRange;
}

export interface Flag {
  name: string;
  /** null for a bare boolean flag such as `--link`. */
  value: string | null;
  range: SourceRange;
  nameRange: SourceRange;
  valueRange: SourceRange | null;
}

export interface Heredoc {
  /** The delimiter word without quotes, e.g. `EOF`. */
  name: string;
  /** True when any part of the delimiter was quoted: the body is then never expanded. */
  quoted: boolean;
  /** `<<-`: leading tabs were stripped from the body and terminator. */
  stripTabs: boolean;
  /** File descriptor prefix such as the `3` in `3<<EOF`, if written. */
  fd: number | null;
  /** The body as written, each line ending with a newline (see `heredocText` for `<<-`). */
  content: string;
  /** The `<<EOF` marker on the instruction line. */
  markerRange: SourceRange;
  bodyRange: SourceRange;
  terminated: boolean;
}

/** Exec (JSON) form or shell form of RUN, CMD, ENTRYPOINT and HEALTHCHECK CMD. */
export type CommandForm =
  | { form: "exec"; args: string[]; range: SourceRange }
  | { form: "shell"; text: string; range: SourceRange };

export interface KeyValue {
  key: Word;
  /** null for `ARG NAME` without a default. */
  value: Word | null;
  /** `ENV key value` / `LABEL key value` written without `=`. */
  legacy: boolean;
  range: SourceRange;
}

export type MountType = "bind" | "cache" | "tmpfs" | "secret" | "ssh";

export interface Mount {
  type: MountType;
  /** Every option as written, keys lower-cased and aliases resolved (dst → target, src → source). */
  options: Record<string, string>;
  target: string | null;
  source: string | null;
  from: string | null;
  readonly: boolean;
  range: SourceRange;
}

interface Base<K extends string> {
  kind: K;
  /** The keyword as written, for casing checks. */
  keyword: string;
  keywordRange: SourceRange;
  /** The whole instruction: keyword, continuation lines and heredoc bodies. */
  range: SourceRange;
  flags: Flag[];
  /** Everything after the keyword and flags, continuations joined, as BuildKit sees it. */
  argsText: string;
  argsRange: SourceRange;
  heredocs: Heredoc[];
  /** Index of this instruction in file order (ONBUILD triggers share their parent's). */
  index: number;
}

/** The fields every instruction has, before its kind is known. */
export type InstructionCommon = Omit<Base<string>, "kind">;

export interface FromInstruction extends Base<"FROM"> {
  image: Word | null;
  stageName: Word | null;
  asKeyword: Word | null;
  platform: Flag | null;
}
export interface RunInstruction extends Base<"RUN"> {
  command: CommandForm | null;
  mounts: Mount[];
  network: string | null;
  security: string | null;
}
export interface CmdInstruction extends Base<"CMD"> {
  command: CommandForm | null;
}
export interface EntrypointInstruction extends Base<"ENTRYPOINT"> {
  command: CommandForm | null;
}
export interface ShellInstruction extends Base<"SHELL"> {
  shell: string[];
}
export interface EnvInstruction extends Base<"ENV"> {
  pairs: KeyValue[];
}
export interface LabelInstruction extends Base<"LABEL"> {
  pairs: KeyValue[];
}
export interface ArgInstruction extends Base<"ARG"> {
  pairs: KeyValue[];
}
export interface CopyInstruction extends Base<"COPY" | "ADD"> {
  sources: Word[];
  dest: Word | null;
  /** Sources and destination were written as a JSON array. */
  json: boolean;
}
export interface ExposeInstruction extends Base<"EXPOSE"> {
  ports: Word[];
}
export interface VolumeInstruction extends Base<"VOLUME"> {
  paths: Word[];
  json: boolean;
}
export interface SingleValueInstruction extends Base<"USER" | "WORKDIR" | "STOPSIGNAL" | "MAINTAINER"> {
  value: Word | null;
}
export interface HealthcheckInstruction extends Base<"HEALTHCHECK"> {
  /** null when the instruction is too malformed to tell. */
  test: { type: "NONE" } | { type: "CMD"; command: CommandForm | null } | null;
}
export interface OnbuildInstruction extends Base<"ONBUILD"> {
  trigger: Instruction | null;
}
export interface UnknownInstruction extends Base<"UNKNOWN"> {}

export type Instruction =
  | FromInstruction
  | RunInstruction
  | CmdInstruction
  | EntrypointInstruction
  | ShellInstruction
  | EnvInstruction
  | LabelInstruction
  | ArgInstruction
  | CopyInstruction
  | ExposeInstruction
  | VolumeInstruction
  | SingleValueInstruction
  | HealthcheckInstruction
  | OnbuildInstruction
  | UnknownInstruction;

export type InstructionKind = Instruction["kind"];

export const INSTRUCTION_KEYWORDS = [
  "FROM",
  "RUN",
  "CMD",
  "LABEL",
  "MAINTAINER",
  "EXPOSE",
  "ENV",
  "ADD",
  "COPY",
  "ENTRYPOINT",
  "VOLUME",
  "USER",
  "WORKDIR",
  "ARG",
  "ONBUILD",
  "STOPSIGNAL",
  "HEALTHCHECK",
  "SHELL",
] as const;
export type Keyword = (typeof INSTRUCTION_KEYWORDS)[number];

export interface Dockerfile {
  directives: Directive[];
  escapeChar: "\\" | "`";
  comments: Comment[];
  instructions: Instruction[];
  /** Syntax errors and parser warnings (e.g. empty continuation lines). Lint findings are separate. */
  diagnostics: Diagnostic[];
  /** Physical lines that were empty inside a continuation (for the NoEmptyContinuation check). */
  emptyContinuationLines: SourceRange[];
  lineCount: number;
}
