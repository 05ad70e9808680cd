// A process's exit as onExit listeners see it: the reason is decoded, and written out, only when a
// listener reads it.
//
// Why lazy: while anyone listens (bench/compiled.ts and the compiler's tests listen for one
// program's end), every process exit crosses into the host. Decoding its ETF and printing the
// term eagerly cost ~3 us an exit, 10-40x a spawn+exit itself (docs/benchmarks.md 10b), for
// events nearly all listeners drop after comparing the pid.
//
// Invariant: `bytes` is a copy of the module's encoding taken during the exited() call (the module's
// memory is reused once it returns), or null for a reason no term can carry (a fun).

import type { Pid } from "./terms.js";
import { formatTerm } from "./terms.js";
import { decode } from "./etf.js";

export interface ExitEvent {
  pid: Pid;
  /** The exit reason, any term, as JS sees it (host/etf.ts; undefined if it holds a fun, which cannot leave the module). */
  readonly reason: unknown;
  /** The reason written as Erlang would print it, plus the trap's message for crashes. */
  readonly text: string;
}

/** An ExitEvent that decodes its reason at the first read of `reason` or `text` (a decoding error throws from that read). */
export class LazyExitEvent implements ExitEvent {
  private decoded = false;
  private value: unknown = undefined;
  private written: string | undefined;

  constructor(readonly pid: Pid, private readonly bytes: Uint8Array | null, private readonly detail: string | undefined) {}

  get reason(): unknown {
    if (!this.decoded) {
      this.value = this.bytes ? decode(this.bytes) : undefined;
      this.decoded = true;
    }
    return this.value;
  }

  get text(): string {
    this.written ??= (this.bytes ? formatTerm(this.reason) : "#Fun<...>") + (this.detail ? ` (${this.detail})` : "");
    return this.written;
  }

  /** (JSON.stringify and console.log see the fields, as they did when they were plain properties.) */
  toJSON(): { pid: Pid; reason: unknown; text: string } { return { pid: this.pid, reason: this.reason, text: this.text }; }
}
