import { describe, expect, it } from "vitest";
import type { CopyInstruction, EnvInstruction, FromInstruction, HealthcheckInstruction, Instruction, RunInstruction } from "./ast.js";
import { heredocText } from "./heredoc.js";
import { parseDockerfile } from "./parse.js";

const parse = (text: string) => parseDockerfile(text);
const only = <T extends Instruction>(text: string): T => parse(text).instructions[0] as T;
const errors = (text: string) => parse(text).diagnostics.filter((d) => d.severity === "error").map((d) => d.message);

describe("parser directives (BuildKit parser/directives.go)", () => {
  it("reads syntax, escape and check only from the top of the file", () => {
    const df = parse("# syntax=docker/dockerfile:1\n# escape=`\n# check=skip=JSONArgsRecommended\nFROM busybox\n");
    expect(df.directives.map((d) => [d.name, d.value])).toEqual([
      ["syntax", "docker/dockerfile:1"],
      ["escape", "`"],
      ["check", "skip=JSONArgsRecommended"],
    ]);
    expect(df.escapeChar).toBe("`");
  });

  it("keys are case-insensitive and whitespace around = is allowed", () => {
    expect(parse("#  ESCAPE = `\nFROM x\n").escapeChar).toBe("`");
  });

  it("stops at the first line that is not a directive: a blank line, a comment or an instruction", () => {
    expect(parse("\n# escape=`\nFROM x\n").escapeChar).toBe("\\");
    expect(parse("# hello\n# escape=`\nFROM x\n").escapeChar).toBe("\\");
    expect(parse("FROM x\n# escape=`\n").directives).toEqual([]);
  });

  it("an unknown key ends the directive block", () => {
    expect(parse("# foo=bar\n# escape=`\nFROM x\n").escapeChar).toBe("\\");
  });

  it("a repeated directive is an error at its line", () => {
    const df = parse("# escape=\\\n# escape=`\nFROM x\n");
    expect(df.diagnostics[0]).toMatchObject({ message: "only one escape parser directive can be used", range: { line: 2 } });
  });

  it("escape accepts only backslash or backtick", () => {
    expect(errors("# escape=x\nFROM a\n")).toContain("invalid escape token 'x' does not match ` or \\");
  });

  it("strips a UTF-8 BOM before the first directive", () => {
    expect(parse("\uFEFF# escape=`\nFROM x\n").escapeChar).toBe("`");
  });
});

describe("line continuations and comments (BuildKit parser/parser.go)", () => {
  it("joins lines ending with the escape character and keeps the next line's leading whitespace", () => {
    const run = only<RunInstruction>("RUN echo a; \\\n  ls\n");
    expect(run.command).toMatchObject({ form: "shell", text: "echo a;   ls" });
    expect(run.range).toEqual({ line: 1, column: 1, endLine: 2, endColumn: 5 });
  });

  it("treats spaces and tabs after the escape as still continuing", () => {
    const run = only<RunInstruction>("RUN a \\  \t\n b\n");
    expect(run.command).toMatchObject({ text: "a  b" });
  });

  it("does not continue after an escaped escape", () => {
    expect(parse("RUN echo \\\\\nFROM x\n").instructions.map((i) => i.kind)).toEqual(["RUN", "FROM"]);
  });

  it("drops comment lines inside a continuation", () => {
    const run = only<RunInstruction>("RUN apt-get update && \\\n  # install things\n  apt-get install -y curl\n");
    expect(run.command).toMatchObject({ text: "apt-get update &&   apt-get install -y curl" });
  });

  it("drops empty lines inside a continuation and records them for NoEmptyContinuation", () => {
    const df = parse("RUN a \\\n\n  b\n");
    expect(df.instructions).toHaveLength(1);
    expect(df.emptyContinuationLines).toEqual([{ line: 2, column: 1, endLine: 2, endColumn: 1 }]);
  });

  it("uses the backtick as escape character under # escape=`", () => {
    const df = parse("# escape=`\nFROM windows\nRUN dir C:\\ `\n  /s\n");
    expect((df.instructions[1] as RunInstruction).command).toMatchObject({ text: "dir C:\\   /s" });
  });

  it("a # in the middle of a line is ordinary text", () => {
    expect(only<RunInstruction>("RUN echo a # not a comment\n").command).toMatchObject({ text: "echo a # not a comment" });
  });

  it("keeps comments with their ranges", () => {
    expect(parse("  # hi\nFROM x\n").comments).toEqual([{ text: "# hi", range: { line: 1, column: 3, endLine: 1, endColumn: 7 } }]);
  });

  it("ends an instruction normally at EOF inside a continuation", () => {
    expect(only<RunInstruction>("RUN echo \\").command).toMatchObject({ text: "echo" });
  });

  it("handles CRLF line endings", () => {
    const df = parse("FROM x\r\nRUN a \\\r\n  b\r\n");
    expect((df.instructions[1] as RunInstruction).command).toMatchObject({ text: "a   b" });
  });
});

describe("instructions", () => {
  it("keywords are case-insensitive and keep their written form", () => {
    const df = parse("from x\nRuN echo\n");
    expect(df.instructions.map((i) => [i.kind, i.keyword])).toEqual([
      ["FROM", "from"],
      ["RUN", "RuN"],
    ]);
  });

  it("reports an unknown instruction with a suggestion in the input's casing", () => {
    expect(errors("FROM x\nRUNN echo\n")).toContain("unknown instruction: RUNN (did you mean RUN?)");
    expect(errors("FROM x\ncopi a b\n")).toContain("unknown instruction: copi (did you mean copy?)");
  });

  it("FROM with AS names a stage; the AS keyword is case-insensitive", () => {
    const from = only<FromInstruction>("FROM --platform=$BUILDPLATFORM golang:1.22 as Build\n");
    expect(from.image?.raw).toBe("golang:1.22");
    expect(from.stageName?.raw).toBe("Build");
    expect(from.platform?.value).toBe("$BUILDPLATFORM");
    expect(from.stageName?.range).toEqual({ line: 1, column: 47, endLine: 1, endColumn: 52 });
  });

  it("FROM needs one or three arguments and a valid stage name", () => {
    expect(errors("FROM a b\n")).toContain("FROM requires either one or three arguments");
    expect(errors("FROM a AS 1st\n")).toContain('invalid name for build stage: "1st", name can\'t start with a number or contain symbols');
  });

  it("exec form is a JSON array of strings; invalid JSON falls back to shell form", () => {
    expect(only<RunInstruction>('RUN ["echo", "$X"]\n').command).toMatchObject({ form: "exec", args: ["echo", "$X"] });
    expect(only<RunInstruction>("RUN [\"echo\", 'hi']\n").command).toMatchObject({ form: "shell", text: "[\"echo\", 'hi']" });
  });

  it("a JSON array holding a non-string is a hard error", () => {
    expect(errors('CMD ["a", 1]\n')).toContain("when using JSON array syntax, arrays must be comprised of strings only");
  });

  it("SHELL requires JSON form and at least one element", () => {
    expect(errors("SHELL /bin/bash -c\n")).toContain("SHELL requires the arguments to be in JSON form");
    expect(errors("SHELL []\n")).toContain("SHELL requires at least one argument");
  });

  it("ENV accepts k=v pairs with quotes and the legacy 'k v' form", () => {
    const env = only<EnvInstruction>('ENV A=1 B="two words" C=a\\ b\n');
    expect(env.pairs.map((p) => [p.key.raw, p.value?.raw, p.legacy])).toEqual([
      ["A", "1", false],
      ["B", '"two words"', false],
      ["C", "a\\ b", false],
    ]);
    const legacy = only<EnvInstruction>("ENV PATH /usr/bin:/bin extra=x\n");
    expect(legacy.pairs.map((p) => [p.key.raw, p.value?.raw, p.legacy])).toEqual([["PATH", "/usr/bin:/bin extra=x", true]]);
  });

  it("ENV errors use BuildKit's wording", () => {
    expect(errors("FROM x\nENV ONLYKEY\n")).toContain("ENV must have two arguments");
    expect(errors("FROM x\nENV A=1 B\n")).toContain('Syntax error - can\'t find = in "B". Must be of the form: name=value');
    expect(errors("FROM x\nENV =x\n")).toContain("ENV names can not be blank");
    expect(errors("FROM x\nLABEL\n")).toContain("LABEL requires at least one argument");
  });

  it("ARG declares names with optional defaults", () => {
    const df = parse("ARG A B=2 C=\nFROM x\n");
    const arg = df.instructions[0]!;
    expect(arg.kind === "ARG" && arg.pairs.map((p) => [p.key.raw, p.value?.raw ?? null])).toEqual([
      ["A", null],
      ["B", "2"],
      ["C", ""],
    ]);
  });

  it("COPY and ADD take sources and a destination, as words or a JSON array", () => {
    const copy = only<CopyInstruction>("COPY --from=build --chown=app:app a.txt b/ /dst/\n");
    expect(copy.sources.map((w) => w.raw)).toEqual(["a.txt", "b/"]);
    expect(copy.dest?.raw).toBe("/dst/");
    expect(copy.flags.map((f) => [f.name, f.value])).toEqual([
      ["from", "build"],
      ["chown", "app:app"],
    ]);
    const json = only<CopyInstruction>('COPY ["my file", "/dst dir/"]\n');
    expect(json.json).toBe(true);
    expect(json.sources.map((w) => w.raw)).toEqual(["my file"]);
    expect(errors("COPY only\n")).toContain(
      "COPY requires at least two arguments, but only one was provided. Destination could not be determined",
    );
  });

  it("USER, WORKDIR and MAINTAINER take the whole rest of the line", () => {
    const df = parse("FROM x\nWORKDIR /my dir\n");
    const w = df.instructions[1]!;
    expect(w.kind === "WORKDIR" && w.value?.raw).toBe("/my dir");
    expect(errors("FROM x\nUSER\n")).toContain("USER requires exactly one argument");
  });

  it("HEALTHCHECK supports NONE, CMD in both forms, and validates its options", () => {
    expect(only<HealthcheckInstruction>("HEALTHCHECK NONE\n").test).toEqual({ type: "NONE" });
    const hc = only<HealthcheckInstruction>('HEALTHCHECK --interval=30s --retries=3 CMD ["curl", "-f", "http://x/"]\n');
    expect(hc.test).toMatchObject({ type: "CMD", command: { form: "exec", args: ["curl", "-f", "http://x/"] } });
    expect(errors("HEALTHCHECK --interval=5 CMD true\n")).toContain('time: missing unit in duration "5"');
    expect(errors("HEALTHCHECK --timeout=10us CMD true\n")).toContain('Interval "timeout" cannot be less than 1ms');
    expect(errors("HEALTHCHECK --retries=-1 CMD true\n")).toContain("--retries cannot be negative (-1)");
    expect(errors("HEALTHCHECK NONE extra\n")).toContain("HEALTHCHECK NONE takes no arguments");
    expect(errors("HEALTHCHECK PING x\n")).toContain('Unknown type "PING" in HEALTHCHECK (try CMD)');
    expect(errors("HEALTHCHECK CMD\n")).toContain("Missing command after HEALTHCHECK CMD");
  });

  it("EXPOSE and STOPSIGNAL values are checked when they hold no variables", () => {
    expect(errors("FROM x\nEXPOSE 80/tcp 53/udp 8000-8010\n")).toEqual([]);
    expect(errors("FROM x\nEXPOSE 80/icmp\n")).toContain('invalid port: "80/icmp": invalid proto: icmp');
    expect(errors("FROM x\nSTOPSIGNAL SIGQUIT\n")).toEqual([]);
    expect(errors("FROM x\nSTOPSIGNAL SIGNOPE\n")).toContain("invalid signal: SIGNOPE");
    expect(errors("FROM x\nSTOPSIGNAL $SIG\n")).toEqual([]);
  });

  it("ONBUILD wraps another instruction, but not ONBUILD, FROM or MAINTAINER", () => {
    const ob = only<Instruction>("ONBUILD COPY . /app\n");
    expect(ob.kind === "ONBUILD" && ob.trigger?.kind).toBe("COPY");
    expect(errors("ONBUILD ONBUILD RUN x\n")).toContain("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    expect(errors("ONBUILD FROM x\n")).toContain("FROM isn't allowed as an ONBUILD trigger");
  });

  it("an empty file and a file of only comments are errors", () => {
    expect(errors("")).toEqual(["the Dockerfile cannot be empty"]);
    expect(errors("# nothing\n\n")).toEqual(["file with no instructions"]);
  });
});

describe("flags (BuildKit instructions/bflag.go)", () => {
  it("reads flags only before the first argument, and -- ends them", () => {
    const copy = only<CopyInstruction>("COPY --chown=1:1 -- --weird /dst\n");
    expect(copy.flags.map((f) => f.name)).toEqual(["chown"]);
    expect(copy.sources.map((w) => w.raw)).toEqual(["--weird"]);
    expect(only<RunInstruction>("RUN echo --mount=x\n").flags).toEqual([]);
  });

  it("quotes inside a flag group whitespace and are removed", () => {
    expect(only<CopyInstruction>('COPY --chown="app user" a /b\n').flags[0]?.value).toBe("app user");
  });

  it("reports unknown, duplicate and malformed flags at their position", () => {
    const df = parse("COPY --frm=build a /b\n");
    expect(df.diagnostics[0]).toMatchObject({ message: "unknown flag: --frm (did you mean from?)", range: { line: 1, column: 6, endColumn: 17 } });
    expect(errors("COPY --link --link a /b\n")).toContain("duplicate flag specified: --link");
    expect(errors("COPY --link=yes a /b\n")).toContain("expecting boolean value for flag --link, not: yes");
    expect(errors("COPY --chown a /b\n")).toContain("missing a value on flag: --chown");
    expect(errors("FROM x\nWORKDIR --x=1 /a\n")).toContain("unknown flag: --x");
  });

  it("accepts every flag of the current syntax on its instruction", () => {
    const text = [
      "FROM --platform=linux/amd64 alpine:3.20 AS a",
      "RUN --mount=type=cache,target=/root/.cache --mount=type=secret,id=npmrc --network=none --security=sandbox true",
      "COPY --from=a --chown=1:1 --chmod=0644 --link --parents --exclude=*.md --exclude=*.txt src /dst/",
      "ADD --chown=1 --chmod=755 --link --keep-git-dir --checksum=sha256:abc --unpack --exclude=x https://example.com/a.tar /x/",
      "HEALTHCHECK --interval=30s --timeout=5s --start-period=1m --start-interval=2s --retries=3 CMD true",
    ].join("\n");
    expect(errors(text)).toEqual([]);
  });

  it("ADD has no --parents and RUN checks --network and --security values", () => {
    expect(errors("ADD --parents a /b\n")).toContain("unknown flag: --parents");
    expect(errors("RUN --network=bridge true\n")).toContain('invalid network mode "bridge"');
    expect(errors("RUN --security=root true\n")).toContain('security "root" is not valid');
  });

  it("ignores flags on ARG, STOPSIGNAL and HEALTHCHECK NONE, as BuildKit does", () => {
    expect(errors("ARG --x=1 A\nFROM x\nSTOPSIGNAL --y TERM\nHEALTHCHECK --z NONE\n")).toEqual([]);
  });
});

describe("heredocs (Dockerfile 1.4)", () => {
  it("reads a RUN heredoc body up to its terminator", () => {
    const run = only<RunInstruction>("RUN <<EOF\necho hi\necho there\nEOF\n");
    expect(run.heredocs).toMatchObject([{ name: "EOF", content: "echo hi\necho there\n", quoted: false, terminated: true }]);
    expect(run.range).toMatchObject({ line: 1, endLine: 4 });
  });

  it("<<- strips leading tabs from the terminator and from the text", () => {
    const run = only<RunInstruction>("RUN <<-EOT\n\techo a\n\tEOT\n");
    expect(run.heredocs[0]!.terminated).toBe(true);
    expect(heredocText(run.heredocs[0]!)).toBe("echo a\n");
  });

  it("a quoted delimiter turns expansion off", () => {
    for (const marker of ['<<"EOF"', "<<'EOF'", '<<E"O"F']) {
      expect(only<CopyInstruction>(`COPY ${marker} /x\nbody\nEOF\n`).heredocs[0]).toMatchObject({ name: "EOF", quoted: true });
    }
  });

  it("reads several heredocs on one line in order", () => {
    const run = only<RunInstruction>("RUN <<A cat >a && 3<<B cat >b\none\nA\ntwo\nB\n");
    expect(run.heredocs.map((h) => [h.name, h.content, h.fd])).toEqual([
      ["A", "one\n", null],
      ["B", "two\n", 3],
    ]);
  });

  it("accepts whitespace after << and ignores markers that are not words of their own", () => {
    expect(only<RunInstruction>("RUN cat << EOF\nx\nEOF\n").heredocs).toHaveLength(1);
    expect(only<RunInstruction>("RUN cat<<EOF\n").heredocs).toHaveLength(0);
    expect(only<RunInstruction>('RUN ["cat", "<<EOF"]\n').heredocs).toHaveLength(0);
  });

  it("works on COPY, ADD and ONBUILD, never on other instructions", () => {
    expect(only<CopyInstruction>("ADD <<EOF /x\nhi\nEOF\n").heredocs).toHaveLength(1);
    expect(only<Instruction>("ONBUILD RUN <<EOF\nhi\nEOF\n").heredocs).toHaveLength(1);
    expect(parse("FROM x\nLABEL a=<<EOF\n").instructions[1]!.heredocs).toHaveLength(0);
  });

  it("reports an unterminated heredoc at its marker", () => {
    const df = parse("FROM x\nRUN <<EOF\necho\n");
    expect(df.diagnostics).toMatchObject([{ message: "unterminated heredoc", range: { line: 2, column: 5, endColumn: 10 } }]);
  });

  it("a heredoc cannot be the destination of COPY", () => {
    expect(errors("COPY a <<EOF\nx\nEOF\n")).toContain("COPY cannot accept a heredoc as a destination");
  });
});
