// Sends that must keep their order while some of them wait for a Blob's bytes,
// which are only read asynchronously: once one item waits, every later one waits
// behind it. Used by the Socket.IO emits and the WebSocket sends.

export class BlobQueue {
  #items = null;  // null: nothing waits, send at once
  #read;
  #send;

  /**
   * `read(item)`: the item ready to send (a value or a Promise of it);
   * `send(item, ready, failed)`: sends it (`failed`: reading it threw or rejected).
   */
  constructor(read, send) {
    this.#read = read;
    this.#send = send;
  }

  /** Queues `item` when it or an earlier one waits; false: the caller sends it now. */
  add(item, mustRead) {
    if (!this.#items && !mustRead) return false;
    (this.#items ??= []).push(item);
    if (this.#items.length === 1) this.#drain(this.#items);
    return true;
  }

  /** Drops everything still waiting (a close): none of it is sent. */
  clear() {
    this.#items = null;
  }

  async #drain(queue) {
    while (queue.length && this.#items === queue) {
      let ready;
      let failed = false;
      try {
        ready = await this.#read(queue[0]);
      } catch {
        failed = true;
      }
      if (this.#items !== queue) return;  // cleared meanwhile
      this.#send(queue.shift(), ready, failed);
    }
    if (this.#items === queue) this.#items = null;
  }
}
