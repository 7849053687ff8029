import type { Platform } from "../image/oci-schemas.js";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { join, posix } from "node:path";
import type { KeyInputs } from "../cache/cache-key.js";
import { headerDigestInput } from "../context/context-scan.js";
import { isExcluded, parseDockerignore } from "../context/dockerignore.js";
import type { CopyInstruction, Word } from "../dockerfile/ast.js";
import { heredocText } from "../dockerfile/heredoc.js";
import { lex } from "../expand/lexer.js";
import { mountOverlay } from "../exec/overlay-mount.js";
import { secureJoin } from "../fs/secure-join.js";
import { applyLayerEntries } from "../layer/apply-layer.js";
import { readUntrustedTar } from "../layer/untrusted-tar.js";
import { fetchPublic } from "../net/fetch-public.js";
import type { StoredImage } from "../store/image-store.js";
import { BuildError } from "./build-error.js";
import { copyIntoRootfs, type CopyPlanItem } from "./copy-files.js";
import type { BuildContext, StepOutcome } from "./engine.js";
import { resolveUser } from "./image-user.js";
import { commitChange, lowerDirs } from "./layer-commit.js";
import { contextTree, expandSource, rootfsTree, type SourceTree } from "./source-tree.js";
import type { LayerRef, StageState } from "./stage-state.js";

const REMOTE = /^(https?:\/\/|git@|git:\/\/)/i;

/**
 * COPY and ADD: sources from the build context (with .dockerignore applied), another stage or
 * an image; keyed on the action and the content of exactly the selected files (never their
 * mtime), so a COPY --from re-converges when the upstream output is unchanged.
 */
export async function copyStep(
  b: BuildContext,
  step: string,
  identity: string,
  ins: CopyInstruction,
  state: StageState,
  word: (w: Word | null) => string,
  ensureImage: (ref: string, platform?: Platform) => Promise<StoredImage>,
): Promise<{ key: string; outcome: StepOutcome; createdBy: string }> {
  const flag = (name: string) => ins.flags.findLast((f) => f.name === name)?.value ?? null;
  const from = flag("from");
  const chown = flag("chown") === null ? null : word({ raw: flag("chown")!, range: ins.range });
  const chmodText = flag("chmod");
  const link = ins.flags.some((f) => f.name === "link" && f.value !== "false");
  const parents = ins.flags.some((f) => f.name === "parents" && f.value !== "false");
  const excludes = ins.flags.filter((f) => f.name === "exclude" && f.value !== null).map((f) => f.value!);
  if (chmodText !== null && !/^[0-7]{1,4}$/.test(chmodText)) {
    throw new BuildError("step-failed", `invalid chmod parameter: '${chmodText}'. it should be octal string and between 0 and 07777`, ins.range, [], step);
  }
  const workdir = state.config.WorkingDir || "/";
  const rawDest = word(ins.dest);
  const dest = (rawDest.startsWith("/") ? rawDest : posix.join(workdir, rawDest)) + (rawDest.endsWith("/") && rawDest !== "/" ? "/" : "");

  const cleanups: (() => Promise<void>)[] = [];
  try {
    let tree: SourceTree;
    let fromContext = false;
    if (from === null) {
      tree = contextTree(await b.context());
      fromContext = true;
    } else {
      let layers: LayerRef[];
      const stage = await b.stageResult(from);
      if (stage !== null) layers = stage.layers;
      else {
        const image = await ensureImage(from, state.platform);
        layers = image.manifest.layers.map((l, i) => ({ digest: l.digest, diffId: image.config.rootfs.diff_ids[i]!, size: 0, compressedSize: l.size, mediaType: l.mediaType }));
      }
      const view = await mountOverlay(b.store.tmpDir, await lowerDirs(b.store, layers));
      cleanups.push(async () => {
        await view.unmount();
        await rm(join(view.upper, ".."), { recursive: true, force: true });
      });
      tree = rootfsTree(view.merged);
    }

    const exclude = parseDockerignore(excludes.join("\n"));
    const items: CopyPlanItem[] = [];
    const names: string[] = [];
    for (const w of ins.sources) {
      const heredoc = ins.heredocs.find((h) => w.raw === `<<${h.name}` || w.raw.startsWith("<<") && w.raw.replace(/^<<-?\s*["']?|["']$/g, "") === h.name);
      if (heredoc) {
        const dir = await mkdtemp(join(b.store.tmpDir, "heredoc-"));
        cleanups.push(() => rm(dir, { recursive: true, force: true }));
        const body = heredoc.quoted ? heredocText(heredoc) : expandBody(heredocText(heredoc), state);
        const abs = join(dir, heredoc.name);
        await writeFile(abs, body);
        const digest = createHash("sha256").update(headerDigestInput({ type: "file", mode: 0o644, size: Buffer.byteLength(body) })).update(createHash("sha256").update(body).digest("hex")).digest("hex");
        items.push({ source: heredoc.name, entries: [{ path: heredoc.name, type: "file", mode: 0o644, uid: 0, gid: 0, mtime: 0, size: Buffer.byteLength(body), abs, digest }] });
        names.push(`<<${heredoc.name}`);
        continue;
      }
      const pattern = word(w);
      if (REMOTE.test(pattern)) {
        if (ins.kind === "COPY") throw new BuildError("step-failed", `source can't be a URL for COPY: use ADD ${pattern}`, w.range, [], step);
        if (!/^https?:\/\//i.test(pattern)) throw new BuildError("step-failed", `ADD of git sources (${pattern}) is not supported yet: use a git build context`, w.range, [], step);
        const dir = await mkdtemp(join(b.store.tmpDir, "add-url-"));
        cleanups.push(() => rm(dir, { recursive: true, force: true }));
        const name = posix.basename(new URL(pattern).pathname) || "index.html";
        const abs = join(dir, name);
        const handle = await open(abs, "w", 0o600);
        let fetched;
        try {
          fetched = await fetchPublic(pattern, 4 * 1024 ** 3, async (chunk) => void (await handle.write(chunk)));
        } catch (e) {
          throw new BuildError("step-failed", (e as Error).message, w.range, [], step);
        } finally {
          await handle.close();
        }
        const checksum = flag("checksum");
        if (checksum !== null && checksum !== fetched.digest) {
          throw new BuildError("step-failed", `checksum mismatch for ${pattern}: expected ${checksum}, got ${fetched.digest}`, w.range, [], step);
        }
        const digest = createHash("sha256").update(headerDigestInput({ type: "file", mode: 0o600, size: fetched.size })).update(fetched.digest).digest("hex");
        items.push({ source: name, entries: [{ path: name, type: "file", mode: 0o600, uid: 0, gid: 0, mtime: 0, size: fetched.size, abs, digest }] });
        names.push(name);
        continue;
      }
      const matches = await expandSource(tree, pattern);
      if (matches.length === 0) throw new BuildError("step-failed", `failed to compute cache key: "${pattern}": no source files were specified`, w.range, [], step);
      for (const path of matches) {
        const entries = (await tree.subtree(path)).filter((e) => e === undefined || exclude.length === 0 || !isExcluded(exclude, e.path.slice(path.length).replace(/^\//, "") || posix.basename(e.path)));
        if (entries.length === 0) {
          throw new BuildError("step-failed", `failed to compute cache key: failed to calculate checksum: "/${path}": not found${fromContext ? " (is it excluded by .dockerignore?)" : ""}`, w.range, [], step);
        }
        items.push({ source: path, entries });
        names.push(posix.basename(path) || path);
      }
    }
    // Sorted keys: the cache key must not depend on the order files were listed in.
    const files: Record<string, string> = {};
    for (const [path, digest] of items.flatMap((i) => i.entries.map((e) => [e.path, e.digest] as const)).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) files[path] = digest;
    const action = { op: ins.kind, sources: names, dest, chown, chmod: chmodText, link, parents, exclude: excludes };
    const inputs: KeyInputs = [...(link ? [] : [{ name: "parent", value: state.key }]), { name: "action", value: action }, { name: "files", value: files }];
    const flagsText = [chown !== null ? `--chown=${chown}` : "", chmodText !== null ? `--chmod=${chmodText}` : "", parents ? "--parents" : ""].filter(Boolean).join(" ");
    const createdBy = `${ins.kind} ${flagsText ? `${flagsText} ` : ""}${ins.sources.map((w) => (w.raw.startsWith("<<") ? w.raw : word(w))).join(" ")} ${rawDest}`;
    const { key: stepKey, outcome } = await b.cached(step, identity, inputs, state, () =>
      commitChange(b.store, state.layers, async (merged) => {
        let owner: { uid: number; gid: number } | null = fromContext ? { uid: 0, gid: 0 } : null;
        if (chown !== null) {
          const [u, g] = chown.split(":");
          const resolved = await resolveUser(merged, g === undefined ? u! : `${u}:${g}`).catch((e: Error) => {
            throw new BuildError("step-failed", e.message, ins.range, [], step);
          });
          owner = { uid: resolved.uid, gid: g === undefined && /^\d+$/.test(u!) ? Number(u) : resolved.gid };
        }
        // ADD unpacks a local tar archive (plain or gzip) into the destination instead of copying it.
        const archives = ins.kind === "ADD" && fromContext ? await archiveItems(items) : new Set<CopyPlanItem>();
        await copyIntoRootfs(merged, items.filter((i) => !archives.has(i)), { dest, owner, mode: chmodText === null ? null : parseInt(chmodText, 8), parents });
        for (const item of archives) await unpackInto(merged, dest, item.entries[0]!.abs, b.store.tmpDir);
      }),
    );
    // --link keys without the parent; the chain continues from this step's own key.
    const key = link ? createHash("sha256").update(`${state.key}\0${stepKey}`).digest("hex") : stepKey;
    return { key, outcome, createdBy };
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  }
}

async function archiveItems(items: CopyPlanItem[]): Promise<Set<CopyPlanItem>> {
  const out = new Set<CopyPlanItem>();
  for (const item of items) {
    const e = item.entries[0];
    if (item.entries.length !== 1 || e?.type !== "file" || e.size < 2) continue;
    const head = Buffer.alloc(512);
    const handle = await open(e.abs, "r");
    const { bytesRead } = await handle.read(head, 0, 512, 0);
    await handle.close();
    const gzip = head[0] === 0x1f && head[1] === 0x8b;
    const tar = bytesRead >= 262 && head.toString("latin1", 257, 262) === "ustar";
    if (gzip || tar) out.add(item);
  }
  return out;
}

async function unpackInto(rootfs: string, dest: string, archive: string, tmpRoot: string): Promise<void> {
  const spool = await mkdtemp(join(tmpRoot, "add-unpack-"));
  try {
    const read = await readUntrustedTar(createReadStream(archive), spool);
    const target = await secureJoin(rootfs, dest);
    await mkdir(target, { recursive: true, mode: 0o755 });
    await applyLayerEntries(target, read.entries.filter((e) => e.type !== "whiteout" && e.type !== "opaque"), (e) => join(spool, e.contentDigest!.slice(7)), { chown: true });
  } finally {
    await rm(spool, { recursive: true, force: true });
  }
}

/** An unquoted COPY heredoc is expanded with the stage's environment at build time. */
function expandBody(body: string, state: StageState): string {
  const env = new Map(state.runEnv);
  const out = lex(body, (n) => env.get(n), { rawQuotes: true, rawEscapes: true });
  return out.ok ? out.result.value : body;
}
