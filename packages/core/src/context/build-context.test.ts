import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tarBuffer } from "../testing/tar-fixtures.js";
import { gitContext, isGitContext, tarContext } from "./build-context.js";

describe("build contexts", () => {
  it("recognises git contexts the way docker build does", () => {
    expect(isGitContext("https://github.com/org/repo.git")).toBe(true);
    expect(isGitContext("https://github.com/org/repo.git#main:sub")).toBe(true);
    expect(isGitContext("git@github.com:org/repo.git")).toBe(true);
    expect(isGitContext("./dir")).toBe(false);
  });

  it("checks out a ref and a subdirectory of a git repository, without .git", async () => {
    const repo = mkdtempSync(join(tmpdir(), "layerlab-repo-"));
    const git = (...args: string[]) => execFileSync("git", ["-C", repo, "-c", "user.email=t@t", "-c", "user.name=t", ...args]);
    git("init", "-q", "-b", "main");
    mkdirSync(join(repo, "app"));
    writeFileSync(join(repo, "app/Dockerfile"), "FROM scratch\n");
    writeFileSync(join(repo, "app/v.txt"), "one");
    git("add", ".");
    git("commit", "-q", "-m", "one");
    git("tag", "v1");
    writeFileSync(join(repo, "app/v.txt"), "two");
    git("commit", "-q", "-am", "two");
    const ctx = await gitContext(`file://${repo}#v1:app`, tmpdir());
    try {
      expect(readFileSync(join(ctx.dir, "v.txt"), "utf8")).toBe("one");
      expect(existsSync(join(ctx.dir, "..", ".git"))).toBe(false);
    } finally {
      await ctx.cleanup();
    }
    const head = await gitContext(`file://${repo}#main:app`, tmpdir());
    expect(readFileSync(join(head.dir, "v.txt"), "utf8")).toBe("two");
    await head.cleanup();
    // ".." cannot climb out of the checkout: this names <checkout>/etc, which does not exist.
    await expect(gitContext(`file://${repo}#main:../../etc`, tmpdir())).rejects.toThrow("../../etc is not a directory");
  });

  it("unpacks a context tar as untrusted input", async () => {
    const ctx = await tarContext([await tarBuffer([{ name: "Dockerfile", body: "FROM scratch\n" }, { name: "src/", type: "directory" }, { name: "src/a", body: "a" }])], tmpdir());
    expect(readFileSync(join(ctx.dir, "src/a"), "utf8")).toBe("a");
    await ctx.cleanup();
    await expect(tarContext([await tarBuffer([{ name: "../evil", body: "x" }])], tmpdir())).rejects.toThrow(/contains '\.\.'/);
  });
});
