import { existsSync } from "node:fs";
import type { Platform } from "../image/oci-schemas.js";
import { hostPlatform } from "../store/image-store.js";
import { createHash } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join, posix } from "node:path";
import type { KeyInputs } from "../cache/cache-key.js";
import type { RunInstruction } from "../dockerfile/ast.js";
import { heredocText } from "../dockerfile/heredoc.js";
import { execUnavailableReason, runInRootfs } from "../exec/run-in-rootfs.js";
import { mountOverlay } from "../exec/overlay-mount.js";
import { secureJoin } from "../fs/secure-join.js";
import { BuildError } from "./build-error.js";
import type { BuildContext, StepOutcome } from "./engine.js";
import { runEnvironment } from "./engine.js";
import { resolveUser } from "./image-user.js";
import { commitChange, lowerDirs } from "./layer-commit.js";
import { shellOf, type StageState } from "./stage-state.js";

/** The argv a RUN executes: exec form as is; shell form through SHELL, heredocs appended as BuildKit does. */
export function runArgv(ins: RunInstruction, shell: string[]): string[] {
  const cmd = ins.command;
  if (cmd?.form === "exec") return cmd.args;
  const text = cmd?.text ?? "";
  const only = ins.heredocs.length === 1 && /^\s*\d*<<-?\s*["']?\w+["']?\s*$/.test(text);
  if (only) return [...shell, heredocText(ins.heredocs[0]!)];
  return [...shell, [text, ...ins.heredocs.map((h) => `${h.content}${h.name}`)].join("\n")];
}

/** Why a RUN for another architecture cannot run here (no binfmt_misc emulator registered), or null. */
function foreignPlatformReason(p: Platform): string | null {
  const host = hostPlatform();
  if (p.os === host.os && p.architecture === host.architecture) return null;
  const qemu = { arm64: "aarch64", arm: "arm", amd64: "x86_64", "386": "i386", ppc64le: "ppc64le", s390x: "s390x", riscv64: "riscv64" }[p.architecture];
  if (qemu && existsSync(`/proc/sys/fs/binfmt_misc/qemu-${qemu}`)) return null;
  return `RUN for ${p.os}/${p.architecture} on this ${host.os}/${host.architecture} machine needs an emulator registered with binfmt_misc (Debian's qemu-user-static and binfmt-support); install them, or build for ${host.os}/${host.architecture}`;
}

/** A RUN step: keyed on its command, env, workdir, user, network and mounts; executed under runc on overlayfs. */
export async function runStep(b: BuildContext, step: string, identity: string, ins: RunInstruction, state: StageState): Promise<{ key: string; outcome: StepOutcome; createdBy: string }> {
  const argv = runArgv(ins, shellOf(state.config));
  const env = runEnvironment(state, b.request.buildArgs ?? {});
  const workdir = state.config.WorkingDir || "/";
  const user = state.config.User ?? "";
  const network = ins.network ?? "default";
  const mounts = ins.mounts.map((m) => {
    const id = m.options.id ?? (m.type === "secret" && m.source ? m.source : null);
    // A secret without a target lands at /run/secrets/<id>, as in BuildKit.
    const target = m.target ? posix.resolve(workdir, m.target) : m.type === "secret" && id ? `/run/secrets/${id}` : null;
    return { type: m.type, target, source: m.source, from: m.from, readonly: m.readonly, id, required: m.options.required === "true" };
  });
  const inputs: KeyInputs = [
    { name: "parent", value: state.key },
    { name: "command", value: argv },
    { name: "env", value: env.keyed },
    { name: "workdir", value: workdir },
    { name: "user", value: user },
    { name: "network", value: network },
    { name: "security", value: ins.security ?? "sandbox" },
    { name: "mounts", value: mounts },
  ];
  for (const m of mounts) {
    if (m.type !== "bind") continue;
    const tree = m.from === null ? await b.context() : null;
    if (tree) {
      const prefix = (m.source ?? "").replace(/^\/+|\/+$/g, "");
      const files = Object.fromEntries([...tree.entries.values()].filter((e) => prefix === "" || e.path === prefix || e.path.startsWith(`${prefix}/`)).map((e) => [e.path, e.digest]));
      inputs.push({ name: `bind:${m.target}`, value: createHash("sha256").update(JSON.stringify(files)).digest("hex") });
    } else {
      const source = await b.stageResult(m.from!);
      inputs.push({ name: `bind:${m.target}`, value: source?.key ?? m.from });
    }
  }
  const args = state.args;
  const prefix = args.length > 0 ? `|${args.length} ${args.map(([k, v]) => `${k}=${v ?? ""}`).join(" ")} ` : "";
  const createdBy = `RUN ${prefix}${argv.join(" ")}`;
  const { key, outcome } = await b.cached(step, identity, inputs, state, async () => {
    const unavailable = execUnavailableReason() ?? foreignPlatformReason(state.platform);
    if (unavailable) throw new BuildError("exec-unavailable", unavailable, ins.range, [], step);
    const tail: string[] = [];
    const cleanups: (() => Promise<void>)[] = [];
    try {
      return await commitChange(
        b.store,
        state.layers,
        async (merged) => {
          const u = await resolveUser(merged, user).catch((e: Error) => {
            throw new BuildError("step-failed", e.message, ins.range, [], step);
          });
          const extraMounts: { source: string; destination: string; readonly: boolean; type?: "bind" | "tmpfs" }[] = [];
          for (const m of mounts) {
            const destination = m.target ?? (m.type === "secret" ? `/run/secrets/${m.id ?? ""}` : "");
            if (m.type === "tmpfs") extraMounts.push({ source: "tmpfs", destination, readonly: false, type: "tmpfs" });
            else if (m.type === "cache") {
              const dir = join(b.store.root, "layerlab", "cache-mounts", createHash("sha256").update(m.id ?? destination).digest("hex"));
              await mkdir(dir, { recursive: true });
              extraMounts.push({ source: dir, destination, readonly: m.readonly });
            } else if (m.type === "secret") {
              const file = b.request.secrets?.[m.id ?? posix.basename(destination)];
              if (file === undefined) {
                if (m.required) throw new BuildError("step-failed", `secret ${m.id} is required but was not given (pass --secret id=${m.id},src=FILE)`, ins.range, [], step);
                continue;
              }
              extraMounts.push({ source: file, destination, readonly: true });
            } else if (m.type === "bind") {
              if (m.from === null) {
                const ctx = await b.context();
                extraMounts.push({ source: await secureJoin(ctx.root, m.source ?? ""), destination, readonly: true });
              } else {
                const from = await b.stageResult(m.from);
                if (from === null) throw new BuildError("step-failed", `RUN --mount from=${m.from}: no such stage`, ins.range, [], step);
                const view = await mountOverlay(b.store.tmpDir, await lowerDirs(b.store, from.layers));
                cleanups.push(view.unmount);
                extraMounts.push({ source: await secureJoin(view.merged, m.source ?? ""), destination, readonly: true });
              }
            } else throw new BuildError("step-failed", "RUN --mount=type=ssh is not supported yet", ins.range, [], step);
          }
          const code = await runInRootfs({
            rootfs: merged,
            workDir: b.store.tmpDir,
            argv,
            env: env.all,
            cwd: workdir,
            uid: u.uid,
            gid: u.gid,
            additionalGids: u.additionalGids,
            hostname: "buildkitsandbox",
            network: network === "none" ? "none" : "host",
            extraMounts,
            ...(b.request.signal ? { signal: b.request.signal } : {}),
            onOutput: (stream, text) => {
              b.sink.emit({ type: "step.log", step, stream, text });
              tail.push(...text.split("\n").filter(Boolean));
              tail.splice(0, Math.max(0, tail.length - 10));
            },
          });
          if (b.request.signal?.aborted) throw new BuildError("cancelled", "the build was cancelled", ins.range, [], step);
          if (code !== 0) {
            const last = tail.length > 0 ? `\n${tail.map((l) => `  ${l}`).join("\n")}` : "";
            throw new BuildError("step-failed", `line ${ins.range.line}: process "${argv.join(" ")}" did not complete successfully: exit code: ${code}${last}`, ins.range, [], step);
          }
        },
        mounts.map((m) => m.target ?? "").filter(Boolean),
      );
    } finally {
      for (const c of cleanups) await c().catch(() => undefined);
    }
  });
  return { key, outcome, createdBy };
}
