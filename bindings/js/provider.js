// partysocket's providers: a function (maybe async) asked before every attempt,
// for a fresh URL or fresh subprotocols (tokens).
import { reportListenerError } from './errors.js';

export class Provider {
  #fn;
  #convert;
  #async = false;
  #answered = false;  // asked for the coming attempt already (by the constructor or connect)
  value;

  /** @param fn the user's provider; @param convert its answer to what the core takes */
  constructor(fn, convert) {
    this.#fn = fn;
    this.#convert = convert;
  }

  /** Asks now; returns a Promise when the answer is one (`value` is set when it settles). */
  ask() {
    this.#answered = true;
    let answer;
    try {
      answer = this.#fn();
    } catch (error) {
      reportListenerError(error);  // the previous value is used
      return undefined;
    }
    if (typeof answer?.then !== 'function') {
      this.value = this.#convert(answer);
      return undefined;
    }
    this.#async = true;
    return Promise.resolve(answer).then((v) => { this.value = this.#convert(v); }, reportListenerError);
  }

  /** The answer for the attempt starting now: a plain function is asked now (unless it just
   *  was); an async one was asked when the reconnection was scheduled. */
  take() {
    if (!this.#async && !this.#answered) this.ask();
    this.#answered = false;
    return this.value;
  }

  /** A reconnection was scheduled: an async provider is asked now, to settle during the delay. */
  scheduled() {
    if (this.#async) this.ask();
  }

  /** connect() or reconnect(): the next attempt asks again. */
  forget() {
    this.#answered = false;
  }
}
