import { describe, expect, it } from "vitest";
import { resolveCommand } from "./command.js";

const shell = (s: string) => ["/bin/sh", "-c", s];

describe("the command a container runs (Docker's ENTRYPOINT/CMD table)", () => {
  const entrypoints = { none: undefined, shell: shell("exec_entry p1_entry"), exec: ["exec_entry", "p1_entry"] };
  const cmds = { none: undefined, exec: ["exec_cmd", "p1_cmd"], shell: shell("exec_cmd p1_cmd") };
  const table: [keyof typeof entrypoints, keyof typeof cmds, string[] | null][] = [
    ["none", "none", null],
    ["none", "exec", ["exec_cmd", "p1_cmd"]],
    ["none", "shell", ["/bin/sh", "-c", "exec_cmd p1_cmd"]],
    ["shell", "none", ["/bin/sh", "-c", "exec_entry p1_entry"]],
    ["shell", "exec", ["/bin/sh", "-c", "exec_entry p1_entry", "exec_cmd", "p1_cmd"]],
    ["shell", "shell", ["/bin/sh", "-c", "exec_entry p1_entry", "/bin/sh", "-c", "exec_cmd p1_cmd"]],
    ["exec", "none", ["exec_entry", "p1_entry"]],
    ["exec", "exec", ["exec_entry", "p1_entry", "exec_cmd", "p1_cmd"]],
    ["exec", "shell", ["exec_entry", "p1_entry", "/bin/sh", "-c", "exec_cmd p1_cmd"]],
  ];
  for (const [entry, cmd, argv] of table) {
    it(`ENTRYPOINT ${entry}, CMD ${cmd} → ${argv ? JSON.stringify(argv) : "error"}`, () => {
      expect(resolveCommand({ Entrypoint: entrypoints[entry] ?? null, Cmd: cmds[cmd] ?? null }, { args: [] })?.argv ?? null).toEqual(argv);
    });
  }

  it("arguments replace CMD and keep ENTRYPOINT", () => {
    expect(resolveCommand({ Entrypoint: ["e"], Cmd: ["c"] }, { args: ["x", "y"] })?.argv).toEqual(["e", "x", "y"]);
  });

  it("--entrypoint replaces ENTRYPOINT and drops the image's CMD", () => {
    expect(resolveCommand({ Entrypoint: ["e"], Cmd: ["c"] }, { entrypoint: "/bin/ls", args: [] })).toEqual({ entrypoint: ["/bin/ls"], cmd: [], argv: ["/bin/ls"] });
    expect(resolveCommand({ Entrypoint: ["e"], Cmd: ["c"] }, { entrypoint: "/bin/ls", args: ["-l"] })?.argv).toEqual(["/bin/ls", "-l"]);
  });

  it('--entrypoint "" clears ENTRYPOINT but keeps the image\'s CMD', () => {
    expect(resolveCommand({ Entrypoint: ["e"], Cmd: ["c", "d"] }, { entrypoint: "", args: [] })?.argv).toEqual(["c", "d"]);
    expect(resolveCommand({ Entrypoint: ["e"], Cmd: null }, { entrypoint: "", args: [] })).toBeNull();
  });
});
