// Statistics over many samples (pause lengths, latencies), and a probe of how
// much of the time this thread is kept off the CPU. Moved here from bench/gc.ts,
// which uses them for its pause distributions; nothing in them is GC-specific.

import { median } from "./common";

/** A growable array of samples (e.g. pause lengths in us), cheap to append to from a callback. */
export class Samples {
  buf = new Float64Array(1 << 12);
  n = 0;
  push(x: number): void {
    if (this.n === this.buf.length) {
      const b = new Float64Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf[this.n++] = x;
  }
  sorted(): Float64Array { return this.buf.slice(0, this.n).sort(); }
}

export interface Summary {
  count: number;
  min: number;
  median: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
  /** All samples added up, divided by 1000 (ms when the samples are us). */
  sumMs: number;
}

/**
 * Nearest-rank statistics of sorted samples, as bench/beam/gc_bench.erl's
 * report/2 computes them (1-based nth of the sorted list), so that the two
 * compare.
 */
export function summarize(s: Float64Array): Summary {
  const n = s.length;
  if (!n) return { count: 0, min: NaN, median: NaN, p99: NaN, p999: NaN, max: NaN, mean: NaN, sumMs: 0 };
  const nth = (k: number) => s[Math.min(n, Math.max(1, k)) - 1];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += s[i];
  return {
    count: n, min: s[0], median: nth(Math.floor((n + 1) / 2)), p99: nth(Math.floor((n * 99 + 99) / 100)),
    p999: nth(Math.floor((n * 999 + 999) / 1000)), max: s[n - 1], mean: sum / n, sumMs: sum / 1000,
  };
}

export interface ClockGaps {
  probeMs: number;
  /** Gaps over 0.5 ms. */
  gaps: number;
  /** Share of the probe spent in those gaps, %. */
  offCpuPct: number;
  medianGapMs: number;
  maxGapMs: number;
}

/**
 * How long this thread goes without running, from a tight loop reading the clock for `ms`:
 * every gap over 0.5 ms is time the OS gave the CPU to someone else (or V8 stopped us).
 * A pause that spans such a gap is that much longer, whatever the code being timed did.
 */
export function clockGaps(ms: number): ClockGaps {
  const gaps: number[] = [];
  let last = performance.now();
  const end = last + ms;
  while (last < end) {
    const t = performance.now();
    if (t - last > 0.5) gaps.push(t - last);
    last = t;
  }
  const off = gaps.reduce((a, b) => a + b, 0);
  return { probeMs: ms, gaps: gaps.length, offCpuPct: (100 * off) / ms, medianGapMs: median(gaps), maxGapMs: gaps.length ? Math.max(...gaps) : 0 };
}
