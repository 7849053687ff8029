import type { Instruction, Word } from "../dockerfile/ast.js";
import { parseGoDuration } from "../dockerfile/duration.js";
import type { ContainerConfig } from "../image/oci-schemas.js";
import { setEnv, shellOf, type StageState } from "./stage-state.js";

/** Go's %q of a string slice, as BuildKit prints CMD and ENTRYPOINT in history. */
const goQuoted = (argv: string[]) => `[${argv.map((a) => JSON.stringify(a)).join(" ")}]`;

export interface MetadataEffect {
  config: ContainerConfig;
  createdBy: string | null;
}

/**
 * The image-config effect of an instruction that makes no layer (ENV, LABEL, CMD...), with the
 * history line BuildKit writes for it (null for ONBUILD and ARG values it does not record).
 */
export function metadataEffect(ins: Instruction, state: StageState, word: (w: Word | null) => string): MetadataEffect {
  const c = state.config;
  switch (ins.kind) {
    case "ENV": {
      let config = c;
      const parts: string[] = [];
      for (const p of ins.pairs) {
        const value = word(p.value);
        config = setEnv(config, p.key.raw, value);
        parts.push(`${p.key.raw}=${value}`);
      }
      return { config, createdBy: `ENV ${parts.join(" ")}` };
    }
    case "LABEL": {
      const labels = { ...(c.Labels ?? {}) };
      const parts: string[] = [];
      for (const p of ins.pairs) {
        const k = word(p.key);
        labels[k] = word(p.value);
        parts.push(`${k}=${labels[k]}`);
      }
      return { config: { ...c, Labels: labels }, createdBy: `LABEL ${parts.join(" ")}` };
    }
    case "CMD":
    case "ENTRYPOINT": {
      const argv = ins.command === null ? [] : ins.command.form === "exec" ? ins.command.args : [...shellOf(c), ins.command.text];
      const config = ins.kind === "CMD" ? { ...c, Cmd: argv } : { ...c, Entrypoint: argv, ...(state.cmdSet ? {} : { Cmd: null }) };
      return { config, createdBy: `${ins.kind} ${goQuoted(argv)}` };
    }
    case "USER": {
      const user = word(ins.value);
      return { config: { ...c, User: user }, createdBy: `USER ${user}` };
    }
    case "EXPOSE": {
      const ports = { ...(c.ExposedPorts ?? {}) };
      const list: string[] = [];
      for (const w of ins.ports) {
        for (const p of word(w).split(/\s+/).filter(Boolean)) {
          const key = p.includes("/") ? p.toLowerCase() : `${p}/tcp`;
          ports[key] = {};
          list.push(key);
        }
      }
      return { config: { ...c, ExposedPorts: ports }, createdBy: `EXPOSE [${list.sort().join(" ")}]` };
    }
    case "VOLUME": {
      const volumes = { ...(c.Volumes ?? {}) };
      const list = ins.paths.map((w) => word(w));
      for (const v of list) volumes[v] = {};
      return { config: { ...c, Volumes: volumes }, createdBy: `VOLUME [${list.join(" ")}]` };
    }
    case "STOPSIGNAL": {
      const sig = word(ins.value);
      return { config: { ...c, StopSignal: sig }, createdBy: `STOPSIGNAL ${sig}` };
    }
    case "SHELL":
      return { config: { ...c, Shell: ins.shell }, createdBy: `SHELL [${ins.shell.join(" ")}]` };
    case "MAINTAINER":
      return { config: c, createdBy: `MAINTAINER ${word(ins.value)}` };
    case "HEALTHCHECK": {
      if (ins.test === null) return { config: c, createdBy: null };
      if (ins.test.type === "NONE") return { config: { ...c, Healthcheck: { Test: ["NONE"] } }, createdBy: `HEALTHCHECK NONE` };
      const cmd = ins.test.command;
      const test = cmd === null ? [] : cmd.form === "exec" ? ["CMD", ...cmd.args] : ["CMD-SHELL", cmd.text];
      const ns = (name: string) => {
        const f = ins.flags.findLast((x) => x.name === name)?.value;
        return f ? Math.round((parseGoDuration(f) ?? 0) * 1e6) : 0;
      };
      const retries = Number(ins.flags.findLast((x) => x.name === "retries")?.value ?? 0);
      const hc = { Test: test, Interval: ns("interval"), Timeout: ns("timeout"), StartPeriod: ns("start-period"), StartInterval: ns("start-interval"), Retries: retries };
      return { config: { ...c, Healthcheck: hc }, createdBy: `HEALTHCHECK &{${goQuoted(test)} "${hc.Interval / 1e9}s" "${hc.Timeout / 1e9}s" "${hc.StartPeriod / 1e9}s" "${hc.StartInterval / 1e9}s" '\\x${hc.Retries.toString(16).padStart(2, "0")}'}` };
    }
    case "ONBUILD":
      return { config: { ...c, OnBuild: [...(c.OnBuild ?? []), ins.argsText] }, createdBy: null };
    default:
      return { config: c, createdBy: null };
  }
}
