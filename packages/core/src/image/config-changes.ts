import type { Instruction } from "../dockerfile/ast.js";
import { parseDockerfile } from "../dockerfile/parse.js";
import { lex } from "../expand/lexer.js";
import type { ContainerConfig } from "./oci-schemas.js";

const ALLOWED = new Set(["CMD", "ENTRYPOINT", "ENV", "EXPOSE", "LABEL", "ONBUILD", "USER", "VOLUME", "WORKDIR", "STOPSIGNAL"]);

/** Docker's shell prefix for shell-form CMD and ENTRYPOINT. */
const SHELL = ["/bin/sh", "-c"];

export type ChangeResult = { ok: true; config: ContainerConfig } | { ok: false; message: string };

function envMap(config: ContainerConfig): Map<string, string> {
  return new Map((config.Env ?? []).map((e) => [e.slice(0, e.indexOf("=") < 0 ? e.length : e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

function expand(raw: string, env: Map<string, string>): string {
  const out = lex(raw, (n) => env.get(n));
  return out.ok ? out.result.value : raw;
}

/**
 * Applies `--change` instructions (as `docker import` and `docker commit` accept them) to a
 * container config. Only instructions that change the config are allowed.
 */
export function applyConfigChanges(config: ContainerConfig, changes: string[]): ChangeResult {
  let next: ContainerConfig = { ...config };
  // As in Docker's dispatcher: ENTRYPOINT clears an inherited CMD unless a CMD is set here too.
  let cmdSet = false;
  for (const change of changes) {
    const df = parseDockerfile(`${change}\n`);
    const error = df.diagnostics.find((d) => d.severity === "error");
    if (error) return { ok: false, message: `--change "${change}": ${error.message}` };
    const ins = df.instructions[0];
    if (!ins) return { ok: false, message: `--change "${change}": no instruction` };
    if (!ALLOWED.has(ins.kind)) return { ok: false, message: `--change "${change}": ${ins.kind} is not supported; use ${[...ALLOWED].join(", ")}` };
    if (ins.kind === "CMD") cmdSet = true;
    next = applyInstruction(next, ins);
    if (ins.kind === "ENTRYPOINT" && !cmdSet) next = { ...next, Cmd: null };
  }
  return { ok: true, config: next };
}

function applyInstruction(config: ContainerConfig, ins: Instruction): ContainerConfig {
  const env = envMap(config);
  const shell = config.Shell && config.Shell.length > 0 ? config.Shell : SHELL;
  switch (ins.kind) {
    case "CMD":
    case "ENTRYPOINT": {
      const argv = ins.command === null ? [] : ins.command.form === "exec" ? ins.command.args : [...shell, ins.command.text];
      return ins.kind === "CMD" ? { ...config, Cmd: argv } : { ...config, Entrypoint: argv };
    }
    case "ENV": {
      for (const p of ins.pairs) env.set(p.key.raw, expand(p.value?.raw ?? "", envMap(config)));
      return { ...config, Env: [...env].map(([k, v]) => `${k}=${v}`) };
    }
    case "LABEL": {
      const labels = { ...(config.Labels ?? {}) };
      for (const p of ins.pairs) labels[expand(p.key.raw, env)] = expand(p.value?.raw ?? "", env);
      return { ...config, Labels: labels };
    }
    case "EXPOSE": {
      const ports = { ...(config.ExposedPorts ?? {}) };
      for (const w of ins.ports) {
        const p = expand(w.raw, env);
        ports[p.includes("/") ? p.toLowerCase() : `${p}/tcp`] = {};
      }
      return { ...config, ExposedPorts: ports };
    }
    case "VOLUME": {
      const volumes = { ...(config.Volumes ?? {}) };
      for (const w of ins.paths) volumes[expand(w.raw, env)] = {};
      return { ...config, Volumes: volumes };
    }
    case "USER":
      return { ...config, User: expand(ins.value?.raw ?? "", env) };
    case "WORKDIR": {
      const dir = expand(ins.value?.raw ?? "", env);
      const base = config.WorkingDir || "/";
      return { ...config, WorkingDir: dir.startsWith("/") ? dir : `${base.replace(/\/$/, "")}/${dir}` };
    }
    case "STOPSIGNAL":
      return { ...config, StopSignal: expand(ins.value?.raw ?? "", env) };
    case "ONBUILD":
      return { ...config, OnBuild: [...(config.OnBuild ?? []), ins.argsText] };
    default:
      return config;
  }
}
