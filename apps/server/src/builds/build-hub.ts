import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { build, BuildError, reapStaleTmp, type ImageStore } from "@layerlab/core/node";
import type { BuildEvent } from "@layerlab/core";
import { EventLogWriter } from "./event-log-writer.js";

export interface BuildSettings {
  dockerfile: string;
  target?: string | undefined;
  buildArgs?: Record<string, string> | undefined;
  noCache?: boolean | undefined;
  tags?: string[] | undefined;
}

export interface BuildRecord {
  id: string;
  settings: BuildSettings;
  status: "queued" | "running" | "succeeded" | "failed" | "cancelled" | "interrupted";
  queuedAt: number;
  finishedAt: number | null;
  imageId: string | null;
  error: string | null;
}

type Listener = (e: BuildEvent) => void;

interface Live {
  record: BuildRecord;
  events: BuildEvent[];
  listeners: Set<Listener>;
  abort: AbortController;
}

/**
 * Builds of one workspace: a queue with a concurrency limit, every event appended to the
 * build's log on disk (so late viewers and restarts see the whole history) and fanned out to
 * every subscriber in the same order. A build found running at start-up was interrupted.
 */
export class BuildHub {
  private readonly live = new Map<string, Live>();
  private readonly queue: string[] = [];
  private running = 0;
  private latest: string | null = null;
  private readonly latestListeners = new Set<(id: string) => void>();

  private constructor(
    private readonly store: ImageStore,
    private readonly workspaceRoot: string,
    private readonly dir: string,
    private readonly concurrency: number,
  ) {}

  static async open(store: ImageStore, workspaceRoot: string, concurrency = 1): Promise<BuildHub> {
    const dir = join(store.root, "layerlab", "builds");
    await mkdir(dir, { recursive: true });
    const hub = new BuildHub(store, workspaceRoot, dir, concurrency);
    await reapStaleTmp(store.tmpRoot);
    for (const r of await hub.history()) {
      if (r.status === "running" || r.status === "queued") await hub.saveRecord({ ...r, status: "interrupted", finishedAt: Date.now(), error: "the server stopped during this build" });
    }
    hub.latest = (await hub.history())[0]?.id ?? null;
    return hub;
  }

  private async saveRecord(r: BuildRecord): Promise<void> {
    await writeFile(join(this.dir, `${r.id}.json`), JSON.stringify(r));
  }

  async history(): Promise<BuildRecord[]> {
    const out: BuildRecord[] = [];
    for (const name of await readdir(this.dir).catch(() => [] as string[])) {
      if (!name.endsWith(".json")) continue;
      const text = await readFile(join(this.dir, name), "utf8").catch(() => null);
      if (text) out.push(JSON.parse(text) as BuildRecord);
    }
    return out.sort((a, b) => b.queuedAt - a.queuedAt);
  }

  latestId(): string | null {
    return this.latest;
  }

  onLatest(listener: (id: string) => void): () => void {
    this.latestListeners.add(listener);
    return () => this.latestListeners.delete(listener);
  }

  async start(settings: BuildSettings): Promise<string> {
    const id = `b-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
    const record: BuildRecord = { id, settings, status: "queued", queuedAt: Date.now(), finishedAt: null, imageId: null, error: null };
    this.live.set(id, { record, events: [], listeners: new Set(), abort: new AbortController() });
    await this.saveRecord(record);
    this.latest = id;
    for (const l of this.latestListeners) l(id);
    this.queue.push(id);
    this.pump();
    return id;
  }

  cancel(id: string): boolean {
    const live = this.live.get(id);
    if (!live || (live.record.status !== "running" && live.record.status !== "queued")) return false;
    live.abort.abort();
    return true;
  }

  /** Events of a build from `fromSeq` on, then live ones until the returned function is called. */
  async subscribe(id: string, fromSeq: number, listener: Listener): Promise<(() => void) | null> {
    const live = this.live.get(id);
    if (live) {
      for (const e of live.events) if (e.seq >= fromSeq) listener(e);
      live.listeners.add(listener);
      return () => live.listeners.delete(listener);
    }
    const events = await this.events(id);
    if (events === null) return null;
    for (const e of events) if (e.seq >= fromSeq) listener(e);
    return () => undefined;
  }

  async events(id: string): Promise<BuildEvent[] | null> {
    const live = this.live.get(id);
    if (live) return [...live.events];
    if (!/^b-[a-z0-9-]+$/.test(id)) return null;
    const text = await readFile(join(this.dir, `${id}.ndjson`), "utf8").catch(() => null);
    return text === null ? null : text.split("\n").filter(Boolean).map((l) => JSON.parse(l) as BuildEvent);
  }

  private pump(): void {
    while (this.running < this.concurrency && this.queue.length > 0) {
      const id = this.queue.shift()!;
      this.running++;
      void this.run(id).finally(() => {
        this.running--;
        this.pump();
      });
    }
  }

  private async run(id: string): Promise<void> {
    const live = this.live.get(id)!;
    const log = new EventLogWriter(join(this.dir, `${id}.ndjson`));
    const onEvent = (e: BuildEvent) => {
      live.events.push(e);
      log.append(e);
      for (const l of live.listeners) l(e);
    };
    if (live.abort.signal.aborted) {
      // Cancelled while it waited in the queue: it never starts.
      const message = "the build was cancelled before it started";
      onEvent({ type: "build.failed", buildId: id, seq: 0, time: Date.now(), error: { code: "cancelled", message, range: null, step: null } });
      await log.flushed();
      await this.saveRecord({ ...live.record, status: "cancelled", error: message, finishedAt: Date.now() });
      this.live.delete(id);
      return;
    }
    live.record = { ...live.record, status: "running" };
    await this.saveRecord(live.record);
    try {
      const text = await readFile(join(this.workspaceRoot, live.record.settings.dockerfile), "utf8");
      const result = await build({
        store: this.store,
        contextDir: this.workspaceRoot,
        dockerfileText: text,
        dockerfilePath: live.record.settings.dockerfile,
        buildId: id,
        ...(live.record.settings.target ? { target: live.record.settings.target } : {}),
        buildArgs: live.record.settings.buildArgs ?? {},
        noCache: live.record.settings.noCache ?? false,
        tags: live.record.settings.tags ?? [],
        signal: live.abort.signal,
        onEvent,
      });
      live.record = { ...live.record, status: "succeeded", imageId: result.imageId };
    } catch (e) {
      const cancelled = live.abort.signal.aborted;
      live.record = { ...live.record, status: cancelled ? "cancelled" : "failed", error: e instanceof Error ? e.message : String(e) };
      if (!(e instanceof BuildError) && !live.events.some((x) => x.type === "build.failed")) {
        onEvent({ type: "build.failed", buildId: id, seq: live.events.length, time: Date.now(), error: { code: "internal", message: (e as Error).message, range: null, step: null } });
      }
    }
    await log.flushed();
    live.record = { ...live.record, finishedAt: Date.now() };
    await this.saveRecord(live.record);
    this.live.delete(id);
  }
}
