import type { BuildEvent, LayerInfo } from "@layerlab/core";
import { create } from "zustand";
import { StepLog } from "./step-log.js";

export interface StepView {
  step: string;
  stage: number;
  line: number;
  instruction: string;
  status: "running" | "done" | "failed";
  cache: "hit" | "miss" | "none" | null;
  reason: string | null;
  durationMs: number | null;
  startedAt: number;
  layer: LayerInfo | null;
}

export interface BuildView {
  id: string | null;
  status: "idle" | "queued" | "running" | "succeeded" | "failed";
  stages: { index: number; label: string }[];
  steps: Map<string, StepView>;
  /**
   * Kept apart from `steps` so that output, the bulk of a build's events, leaves steps
   * unchanged. The map is new on every output event, which is what tells viewers to read on.
   */
  logs: Map<string, StepLog>;
  lastSeq: number;
  imageId: string | null;
  error: { message: string; line: number | null } | null;
  startedAt: number | null;
  durationMs: number | null;
}

interface BuildState extends BuildView {
  connected: boolean;
  viewers: number;
  socketError: string | null;
  connect(): void;
  start(settings: { dockerfile: string; target?: string; buildArgs?: Record<string, string>; noCache?: boolean }): void;
  cancel(): void;
}

export const emptyBuildView = (): BuildView => ({ id: null, status: "idle", stages: [], steps: new Map(), logs: new Map(), lastSeq: -1, imageId: null, error: null, startedAt: null, durationMs: null });

/** Folds one event into the view; events arrive in seq order and are never applied twice. */
export function applyEvent(view: BuildView, e: BuildEvent): BuildView {
  if (e.buildId !== view.id) view = { ...emptyBuildView(), id: e.buildId };
  if (e.seq <= view.lastSeq) return view;
  const next: BuildView = { ...view, lastSeq: e.seq };
  const updateStep = (id: string, change: Partial<StepView>) => {
    const s = view.steps.get(id);
    if (s) next.steps = new Map(view.steps).set(id, { ...s, ...change });
  };
  switch (e.type) {
    case "build.started":
      return { ...next, status: "running", stages: e.stages, startedAt: e.time };
    case "step.started":
      next.steps = new Map(view.steps).set(e.step, { step: e.step, stage: e.stage, line: e.line, instruction: e.instruction, status: "running", cache: null, reason: null, durationMs: null, startedAt: e.time, layer: null });
      return next;
    case "step.cache":
      updateStep(e.step, { cache: e.cache, reason: e.reason?.message ?? null });
      return next;
    case "step.log": {
      const log = view.logs.get(e.step) ?? new StepLog();
      log.append(e.text);
      next.logs = new Map(view.logs).set(e.step, log);
      return next;
    }
    case "step.finished":
      updateStep(e.step, { status: "done", cache: e.cache, reason: e.reason, durationMs: e.durationMs, layer: e.layer });
      return next;
    case "build.finished":
      return { ...next, status: "succeeded", imageId: e.imageId, durationMs: e.durationMs };
    case "build.failed":
      if (e.error.step) updateStep(e.error.step, { status: "failed" });
      return { ...next, status: "failed", error: { message: e.error.message, line: e.error.range?.line ?? null } };
    default:
      return next;
  }
}

let socket: WebSocket | null = null;
let pending: BuildEvent[] = [];
let frame: number | null = null;
let retry = 500;

export const useBuild = create<BuildState>((set, get) => {
  // Events are applied in batches, once per animation frame, so a fast build never floods React.
  const flush = () => {
    frame = null;
    const batch = pending;
    pending = [];
    let view: BuildView = get();
    for (const e of batch) view = applyEvent(view, e);
    set({ ...view });
  };
  const send = (m: unknown) => socket?.readyState === WebSocket.OPEN && socket.send(JSON.stringify(m));
  return {
    ...emptyBuildView(),
    connected: false,
    viewers: 0,
    socketError: null,
    connect() {
      if (socket && socket.readyState <= WebSocket.OPEN) return;
      const ws = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/ws`);
      socket = ws;
      ws.onopen = () => {
        retry = 500;
        set({ connected: true, socketError: null });
        const { id, lastSeq } = get();
        // Resume exactly after the last event seen, or follow whatever build is latest.
        send(id ? { type: "subscribe", buildId: id, fromSeq: lastSeq + 1 } : { type: "subscribe", buildId: "latest" });
      };
      ws.onmessage = (m) => {
        const msg = JSON.parse(String(m.data));
        if (msg.type === "event") {
          pending.push(msg.event as BuildEvent);
          frame ??= requestAnimationFrame(flush);
        } else if (msg.type === "viewers") set({ viewers: msg.count });
        else if (msg.type === "build.queued") {
          set({ ...emptyBuildView(), id: msg.buildId, status: "queued" });
          send({ type: "subscribe", buildId: msg.buildId, fromSeq: 0 });
        } else if (msg.type === "error") set({ socketError: msg.message });
      };
      ws.onclose = (e) => {
        set({ connected: false, ...(e.code === 4401 ? { socketError: "not authorised: open the URL printed by layerlab serve" } : {}) });
        setTimeout(() => get().connect(), retry);
        retry = Math.min(retry * 2, 10_000);
      };
    },
    start(settings) {
      send({ type: "build.start", ...settings });
    },
    cancel() {
      const { id } = get();
      if (id) send({ type: "build.cancel", buildId: id });
    },
  };
});
