import { describe, expect, it } from "vitest";
import { dockerignoreMatcher, parseDockerignore } from "./dockerignore.js";

/** Each row: .dockerignore text, path, excluded? — Docker's semantics, where they differ from gitignore. */
const TABLE: [string, string, boolean][] = [
  ["foo", "foo", true],
  ["foo", "foo/bar.txt", true],
  ["foo", "a/foo", false], // root-anchored (gitignore would match)
  ["*.md", "README.md", true],
  ["*.md", "docs/x.md", false], // * does not cross / (gitignore would match)
  ["**/*.md", "docs/deep/x.md", true],
  ["**/*.md", "x.md", true],
  ["docs/**", "docs/a/b", true],
  ["docs/**", "docs", false],
  ["a/**/b", "a/b", true],
  ["a/**/b", "a/x/y/b", true],
  ["/build", "build/out", true],
  ["./build", "build/out", true],
  ["build/", "build/out", true],
  ["*\n!src", "src/a.ts", false], // re-include a whole directory (gitignore cannot)
  ["*\n!src", "other", true],
  ["dir/\n!dir/keep", "dir/keep", false],
  ["dir/\n!dir/keep", "dir/drop", true],
  ["*.log\n!important.log", "important.log", false],
  ["!important.log\n*.log", "important.log", true], // last match wins
  ["te?t", "test", true],
  ["te?t", "te/t", false],
  ["[abc].txt", "b.txt", true],
  ["[abc].txt", "d.txt", false],
  ["# comment\n\n  spaced  ", "spaced", true],
  ["#notcomment", "#notcomment", false],
  ["a\\*b", "a*b", true],
  ["a\\*b", "axb", false],
  ["file.(txt)", "file.(txt)", true],
  ["foo/../bar", "bar", true],
  ["Dockerfile", "Dockerfile", true],
  ["**", "anything/at/all", true],
  ["node_modules", "node_modules/a/b/c.js", true],
];

describe(".dockerignore (Docker's pattern semantics, moby/patternmatcher)", () => {
  it.each(TABLE)("%j excludes %s: %s", (text, path, excluded) => {
    expect(dockerignoreMatcher(text)(path)).toBe(excluded);
  });

  it("records each pattern's line for diagnostics", () => {
    expect(parseDockerignore("# c\n*.md\n\n!README.md\n").map((p) => [p.line, p.pattern, p.exclusion])).toEqual([
      [2, "*.md", false],
      [4, "README.md", true],
    ]);
  });
});
