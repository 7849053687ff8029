import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { lstat, mkdir, readdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { RUNC } from "../exec/run-in-rootfs.js";
import { runTool } from "../exec/run-process.js";
import { writeFileAtomic } from "../store/atomic-file.js";
import type { Digest } from "../store/digest.js";
import type { ImageStore } from "../store/image-store.js";
import { StoreError } from "../store/store-error.js";
import { withStoreLock } from "../store/store-lock.js";
import { ContainerRecordSchema, type ContainerRecord } from "./container-record.js";
import { processAlive } from "../store/process-alive.js";

/**
 * Containers beside the image store: `layerlab/containers/<id>/` holds the record, the
 * container's own upper and work directories (its changes, kept across restarts), the mount
 * point while it runs and its log. Records are replaced atomically under the store lock, so a
 * server and a CLI can both use them.
 */
export class ContainerStore {
  readonly root: string;

  private constructor(readonly images: ImageStore) {
    this.root = join(images.root, "layerlab", "containers");
  }

  static async open(images: ImageStore): Promise<ContainerStore> {
    const c = new ContainerStore(images);
    await mkdir(c.root, { recursive: true });
    return c;
  }

  /** Where runc keeps its state for every container, shared so any process can stop or exec. */
  get runcRoot(): string {
    return join(this.root, ".runc");
  }

  dir(id: string): string {
    return join(this.root, id);
  }

  private lock<T>(fn: () => Promise<T>): Promise<T> {
    return withStoreLock(join(this.images.root, "layerlab", "locks"), "containers", fn);
  }

  /** A record as stored, except that one whose owner process died is reported as exited. */
  private async read(id: string): Promise<ContainerRecord | null> {
    const text = await readFile(join(this.dir(id), "container.json"), "utf8").catch(() => null);
    if (text === null) return null;
    const parsed = ContainerRecordSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return null;
    const r = parsed.data;
    if (r.state.status === "running" && (r.state.owner === null || !processAlive(r.state.owner))) {
      return { ...r, state: { ...r.state, status: "exited", exitCode: r.state.exitCode ?? 137, finishedAt: r.state.finishedAt ?? new Date().toISOString(), error: "the Layerlab process that ran it stopped", owner: null } };
    }
    return r;
  }

  async list(): Promise<ContainerRecord[]> {
    const ids = (await readdir(this.root).catch(() => [] as string[])).filter((n) => /^[0-9a-f]{64}$/.test(n));
    const records = (await Promise.all(ids.map((id) => this.read(id)))).filter((r): r is ContainerRecord => r !== null);
    return records.sort((a, b) => b.created.localeCompare(a.created));
  }

  /** By name, full ID or unique ID prefix, as Docker resolves container references. */
  async get(ref: string): Promise<ContainerRecord> {
    const all = await this.list();
    const byName = all.find((r) => r.name === ref.replace(/^\//, ""));
    if (byName) return byName;
    const byId = /^[0-9a-f]{1,64}$/.test(ref) ? all.filter((r) => r.id.startsWith(ref)) : [];
    if (byId.length === 1) return byId[0]!;
    if (byId.length > 1) throw new StoreError("conflict", `multiple containers found with provided prefix: ${ref}`);
    throw new StoreError("not-found", `no such container: ${ref}`);
  }

  async create(fields: Omit<ContainerRecord, "id" | "created" | "state" | "name"> & { name?: string }): Promise<ContainerRecord> {
    return this.lock(async () => {
      const id = randomBytes(32).toString("hex");
      const name = fields.name ?? `layerlab_${id.slice(0, 8)}`;
      if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(name)) throw new StoreError("invalid-reference", `invalid container name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
      const clash = (await this.list()).find((r) => r.name === name);
      if (clash) throw new StoreError("conflict", `the container name "${name}" is already in use by container ${clash.id.slice(0, 12)}; remove or rename that container to reuse the name`);
      const record: ContainerRecord = ContainerRecordSchema.parse({
        ...fields,
        id,
        name,
        created: new Date().toISOString(),
        state: { status: "created", owner: null, startedAt: null, finishedAt: null, exitCode: null, error: null },
      });
      for (const d of ["upper", "work", "merged"]) await mkdir(join(this.dir(id), d), { recursive: true });
      await writeFileAtomic(join(this.dir(id), "container.json"), JSON.stringify(record, null, 1));
      return record;
    });
  }

  /** Changes a record's state; `change` sees the current record. */
  async update(id: string, change: (r: ContainerRecord) => ContainerRecord): Promise<ContainerRecord> {
    return this.lock(async () => {
      const current = await this.read(id);
      if (current === null) throw new StoreError("not-found", `no such container: ${id}`);
      const next = ContainerRecordSchema.parse(change(current));
      await writeFileAtomic(join(this.dir(id), "container.json"), JSON.stringify(next, null, 1));
      return next;
    });
  }

  /** Removes a container that is not running; what a dead owner left (runc state, a mount) goes too. */
  async remove(id: string): Promise<void> {
    if (existsSync(RUNC)) await runTool(RUNC, ["--root", this.runcRoot, "delete", "--force", id]).catch(() => undefined);
    await runTool("umount", ["-l", join(this.dir(id), "merged")]).catch(() => undefined);
    // The record goes first, so a crash half-way leaves only a directory with no record, which list() ignores.
    await rm(join(this.dir(id), "container.json"), { force: true });
    if (existsSync(this.dir(id))) await rm(this.dir(id), { recursive: true, force: true });
  }

  /** Bytes of the container's own changes (its upper directory), as `docker ps -s` and `df` report. */
  async changesSize(id: string): Promise<number> {
    let total = 0;
    for (const e of await readdir(join(this.dir(id), "upper"), { withFileTypes: true, recursive: true }).catch(() => [])) {
      if (e.isFile()) total += (await lstat(join(e.parentPath, e.name)).catch(() => null))?.size ?? 0;
    }
    return total;
  }

  /** `df`'s containers row: how many, how many run, the bytes of their changes and of the stopped ones'. */
  async usage(): Promise<{ total: number; running: number; size: number; reclaimable: number }> {
    const records = await this.list();
    const sizes = await Promise.all(records.map((r) => this.changesSize(r.id)));
    const stopped = sizes.filter((_, i) => records[i]!.state.status !== "running");
    return { total: records.length, running: records.length - stopped.length, size: sizes.reduce((a, b) => a + b, 0), reclaimable: stopped.reduce((a, b) => a + b, 0) };
  }

  /** For rmi's refusal: "container 1a2b3c4d5e6f" when a container uses the image, else null. */
  async userOf(imageId: Digest): Promise<string | null> {
    const user = (await this.imagesInUse()).get(imageId);
    return user ? `container ${user.slice(0, 12)}` : null;
  }

  /** Image IDs that containers (running or not) were created from: rmi refuses them, prune keeps them. */
  async imagesInUse(): Promise<Map<Digest, string>> {
    const used = new Map<Digest, string>();
    for (const r of await this.list()) if (!used.has(r.image as Digest)) used.set(r.image as Digest, r.id);
    return used;
  }
}
