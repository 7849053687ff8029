import { describe, expect, it } from "vitest";
import { envFromEntries, lex } from "./lexer.js";

const env = envFromEntries([
  ["PWD", "/home"],
  ["SHELL", "bash"],
  ["KOREAN", "한국어"],
  ["EMPTY", ""],
  ["FILE", "archive.tar.gz"],
  ["PATHS", "/usr/local/bin:/usr/bin:/bin"],
  ["SPACED", "a b  c"],
]);

const value = (text: string, escapeChar = "\\") => {
  const r = lex(text, env, { escapeChar });
  return r.ok ? r.result.value : `error: ${r.message}`;
};
const words = (text: string) => {
  const r = lex(text, env);
  return r.ok ? r.result.words : [`error: ${r.message}`];
};

describe("shell lexer: variables (BuildKit frontend/dockerfile/shell/lex.go)", () => {
  it.each([
    ["$PWD", "/home"],
    ["${PWD}", "/home"],
    ["x${PWD}y", "x/homey"],
    ["$PWD/bin", "/home/bin"],
    ["$UNSET", ""],
    ["${UNSET}", ""],
    ["$KOREAN", "한국어"],
    ["a$", "a$"],
    ["$", "$"],
    ["$$", ""],
    ["$1", ""],
    ["$123abc", "abc"],
    ["${PWD}${SHELL}", "/homebash"],
  ])("%s → %s", (input, expected) => expect(value(input)).toBe(expected));
});

describe("shell lexer: modifiers", () => {
  it.each([
    ["${UNSET:-def}", "def"],
    ["${EMPTY:-def}", "def"],
    ["${PWD:-def}", "/home"],
    ["${UNSET-def}", "def"],
    ["${EMPTY-def}", ""],
    ["${PWD:+set}", "set"],
    ["${EMPTY:+set}", ""],
    ["${UNSET:+set}", ""],
    ["${EMPTY+set}", "set"],
    ["${UNSET+set}", ""],
    ["${nested:-${PWD:+yes}}", "yes"],
    ["${UNSET:-a b}", "a b"],
  ])("%s → %s", (input, expected) => expect(value(input)).toBe(expected));

  it("${VAR:?msg} fails when unset or empty, ${VAR?msg} only when unset", () => {
    expect(value("${UNSET:?must be set}")).toBe("error: UNSET: must be set");
    expect(value("${EMPTY:?}")).toBe("error: EMPTY: is not allowed to be empty");
    expect(value("${UNSET?}")).toBe("error: UNSET: is not allowed to be unset");
    expect(value("${EMPTY?oops}")).toBe("");
    expect(value("${PWD:?x}")).toBe("/home");
  });

  it.each([
    ["${FILE#*.}", "tar.gz"],
    ["${FILE##*.}", "gz"],
    ["${FILE%.*}", "archive.tar"],
    ["${FILE%%.*}", "archive"],
    ["${PATHS#*:}", "/usr/bin:/bin"],
    ["${PATHS%:*}", "/usr/local/bin:/usr/bin"],
    ["${FILE#nomatch}", "archive.tar.gz"],
    ["${FILE#arc?ive}", ".tar.gz"],
    ["${FILE%[.]gz}", "archive.tar.gz"], // no [...] classes in substitution patterns
    ["${FILE/tar/zip}", "archive.zip.gz"],
    ["${PATHS//:/ }", "/usr/local/bin /usr/bin /bin"],
    // BuildKit reads the replacement with escapes kept (processStopOn('}', rawEscapes=true)).
    ["${PATHS/\\/usr/\\/opt}", "\\/opt/local/bin:/usr/bin:/bin"],
    ["${UNSET#x}", ""],
  ])("%s → %s", (input, expected) => expect(value(input)).toBe(expected));

  it("rejects malformed substitutions with BuildKit's messages", () => {
    expect(value("${}")).toBe("error: syntax error: bad substitution");
    expect(value("${:x}")).toBe("error: syntax error: bad substitution");
    expect(value("${{x}")).toBe("error: syntax error: bad substitution");
    expect(value("${PWD")).toBe("error: syntax error: missing '}'");
    expect(value("${PWD:x}")).toBe("error: unsupported modifier (:x) in substitution");
    expect(value("${PWD:#x}")).toBe("error: unsupported modifier (:#) in substitution");
    expect(value("${PWD:-x")).toBe("error: syntax error: missing '}'");
  });
});

describe("shell lexer: quotes and escapes", () => {
  it.each([
    ["'$PWD'", "$PWD"],
    ['"$PWD"', "/home"],
    ['"a b"', "a b"],
    ["a\\ b", "a b"],
    ["\\$PWD", "$PWD"],
    ["\\\\$PWD", "\\/home"],
    ['"\\$PWD"', "$PWD"],
    ['"\\"quoted\\""', '"quoted"'],
    ['"a\\b"', "a\\b"],
    ["'a\\b'", "a\\b"],
    ["it's\\'", "its\\"],
    ['"it\'s"', "it's"],
    ['""', ""],
    ["abc\\", "abc"],
  ])("%s → %s", (input, expected) => expect(value(input)).toBe(expected));

  it("reports unterminated quotes", () => {
    expect(value("'abc")).toBe("error: unexpected end of statement while looking for matching single-quote");
    expect(value('"abc')).toBe("error: unexpected end of statement while looking for matching double-quote");
  });

  it("uses the backtick as escape under # escape=`", () => {
    expect(value("C:\\Windows\\$PWD", "`")).toBe("C:\\Windows\\/home");
    expect(value("`$PWD", "`")).toBe("$PWD");
    expect(value('"a`"b"', "`")).toBe('a"b');
  });
});

describe("shell lexer: word splitting", () => {
  it("splits on unquoted whitespace, including whitespace from unquoted values", () => {
    expect(words("a b  c")).toEqual(["a", "b", "c"]);
    expect(words("$SPACED")).toEqual(["a", "b", "c"]);
    expect(words('"$SPACED"')).toEqual(["a b  c"]);
    expect(words("x'y z'")).toEqual(["xy z"]);
    expect(words('"" a')).toEqual(["a"]);
  });
});

describe("shell lexer: variable tracking for lint", () => {
  it("records which names were found and which were unset, including inside ${x:-d}", () => {
    const r = lex("$PWD ${NOPE:-x} ${SHELL} '$QUOTED' \\$ESCAPED", env);
    expect(r.ok && [...r.result.matched]).toEqual(["PWD", "SHELL"]);
    expect(r.ok && [...r.result.unmatched]).toEqual(["NOPE"]);
  });

  it("can keep unset references as written (for display names)", () => {
    const r = lex("echo $PWD $NOPE ${NOPE:-x}", env, { skipUnsetEnv: true });
    expect(r.ok && r.result.value).toBe("echo /home $NOPE ${NOPE:-x}");
  });
});
