import type { BuildEvent } from "../protocol/build-events.js";

type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type EventBody = Without<BuildEvent, "buildId" | "seq" | "time">;

/** Numbers events per build so viewers can resume without gaps or duplicates. */
export class EventSink {
  private seq = 0;
  readonly log: BuildEvent[] = [];

  constructor(
    readonly buildId: string,
    private readonly listener: (e: BuildEvent) => void,
  ) {}

  emit(body: EventBody): void {
    const event = { ...body, buildId: this.buildId, seq: this.seq++, time: Date.now() } as BuildEvent;
    this.log.push(event);
    this.listener(event);
  }
}
