import type { WebSocket } from "ws";
import { CLOSE } from "./client-messages.js";

/** While catching up, keep at most this much unsent on the socket before waiting for it to drain. */
const REPLAY_HIGH_WATER = 1024 * 1024;
/** A live viewer with this much unsent is behind: it is closed and resumes from its last seq. */
export const MAX_LIVE_BUFFERED = 4 * 1024 * 1024;

/**
 * What the server sends one viewer, in order. A viewer catching up on a build's history is
 * paced by its socket, so a long history never looks like a slow client; events that arrive
 * meanwhile queue behind the history. Once caught up, messages go straight out, and a viewer
 * that falls more than MAX_LIVE_BUFFERED behind is told to resync (4408) instead of slowing
 * the build or the other viewers.
 */
export class ViewerStream {
  private backlog: string[] = [];
  private catchingUp = false;
  private waiting = false;

  constructor(private readonly ws: WebSocket) {}

  /** Until `endReplay`, messages are queued rather than sent. */
  beginReplay(): void {
    this.catchingUp = true;
  }

  endReplay(): void {
    if (!this.waiting) this.pump();
  }

  send(message: unknown): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    const text = JSON.stringify(message);
    if (this.catchingUp) {
      this.backlog.push(text);
      return;
    }
    if (this.ws.bufferedAmount > MAX_LIVE_BUFFERED) {
      this.ws.close(CLOSE.tooSlow, "too slow: resubscribe with fromSeq");
      return;
    }
    this.ws.send(text);
  }

  private pump(): void {
    this.waiting = false;
    while (this.backlog.length > 0) {
      if (this.ws.readyState !== this.ws.OPEN) {
        this.backlog = [];
        break;
      }
      const text = this.backlog.shift()!;
      if (this.ws.bufferedAmount + text.length > REPLAY_HIGH_WATER) {
        this.waiting = true;
        this.ws.send(text, () => this.pump());
        return;
      }
      this.ws.send(text);
    }
    this.catchingUp = false;
  }
}
