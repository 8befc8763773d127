// Request coalescing for live controls: while a request is in flight, newer ones only replace
// the one waiting, so a drag that moves faster than the workers answer sends one request per
// answer, always the latest, and the last one is never lost. No DOM, no workers: the figure
// gives it a send function and tells it when an answer arrived.

/** @template T */
export class Coalescer {
  /** @param {(value: T) => void} send */
  constructor(send) {
    this.send = send;
    /** Whether a sent request has not been answered yet. */
    this.busy = false;
    /** @type {{ value: T } | null} the request waiting for the answer */
    this.waiting = null;
    /** Requests sent, and requests replaced before they were sent (for tests and stats). */
    this.sent = 0;
    this.dropped = 0;
  }

  /**
   * Sends `value` now when nothing is in flight, else keeps it as the one to send next
   * (replacing any older one). Returns whether it was sent.
   * @param {T} value
   */
  push(value) {
    if (this.busy) {
      if (this.waiting) this.dropped += 1;
      this.waiting = { value };
      return false;
    }
    this.busy = true;
    this.sent += 1;
    this.send(value);
    return true;
  }

  /** The answer to the request in flight arrived: sends the waiting one, if any. */
  settle() {
    if (this.waiting) {
      const { value } = this.waiting;
      this.waiting = null;
      this.sent += 1;
      this.send(value);
      return;
    }
    this.busy = false;
  }

  /** Forgets the waiting request and the one in flight (a new simulation replaces them). */
  clear() {
    this.waiting = null;
    this.busy = false;
  }
}
