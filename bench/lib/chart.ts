// Pause-distribution charts for the GC benchmark (bench/gc.ts), written as
// SVG by hand: no plotting dependency.
//
// Each panel is a complementary CDF on log-log axes: for every pause length x
// (horizontal), the share of collections that took longer than x (vertical).
// The median is where a line crosses 50 %, the p99 where it crosses 1 %, and
// the longest pause is its lowest point on the right, so the tail that
// matters for latency is spread out instead of squeezed into the top of a
// linear CDF. Our runs are drawn as whole distributions; BEAM's gc_bench
// prints summary statistics only, so BEAM is drawn as markers at (median,
// 50 %), (p99, 1 %) and (max, 1/count).
//
// Regenerate the chart from a result file without rerunning anything:
//   node dist/bench/lib/chart.js bench/results/gc.json docs/gc-pauses.svg

import * as fs from "node:fs";

/** One distribution: points [pause us, share of pauses >= that] from sorted pauses. */
export interface CcdfSeries {
  label: string;
  count: number;
  /** [pauseUs, fraction of collections >= pauseUs], pause ascending, fraction descending. */
  points: [number, number][];
  color?: string;
  dashed?: boolean;
}

/** Summary statistics drawn as markers (BEAM). */
export interface MarkerSeries {
  label: string;
  count: number;
  medianUs: number;
  p99Us: number;
  maxUs: number;
  color?: string;
}

export interface Panel {
  title: string;
  subtitle?: string;
  series: CcdfSeries[];
  markers: MarkerSeries[];
}

/**
 * Points of the complementary CDF of `sortedUs` (ascending), at most about
 * `budget` of them: ranks spaced evenly in log(share), so the body and the
 * far tail both keep their shape.
 */
export function ccdfPoints(sortedUs: ArrayLike<number>, budget = 240): [number, number][] {
  const n = sortedUs.length;
  if (!n) return [];
  const pts: [number, number][] = [];
  let lastRank = -1;
  for (let k = 0; k <= budget; k++) {
    // share f from 1 down to 1/n; rank r = pauses at least as long as the point
    const f = Math.pow(1 / n, k / budget);
    const r = Math.max(1, Math.min(n, Math.round(f * n)));
    if (r === lastRank) continue;
    lastRank = r;
    pts.push([Number(sortedUs[n - r].toPrecision(4)), Number((r / n).toPrecision(4))]);
  }
  return pts;
}

const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
const BEAM_COLOR = "#111111";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const f1 = (x: number) => (Math.round(x * 10) / 10).toString();

function timeLabel(us: number): string {
  if (us >= 1e6) return `${us / 1e6} s`;
  if (us >= 1e3) return `${us / 1e3} ms`;
  if (us >= 1) return `${us} µs`;
  return `${us * 1e3} ns`;
}
function shareLabel(f: number): string {
  const pct = f * 100;
  return pct >= 1 ? `${pct}%` : `${Number(pct.toPrecision(1))}%`;
}

/** The SVG of one or more panels side by side. */
export function pauseChartSvg(title: string, panels: Panel[], note = ""): string {
  const pw = 470, ph = 380, gap = 30, left = 86, top = 84, bottom = 58, right = 20;
  const legendRows = Math.max(...panels.map((p) => p.series.length + p.markers.length));
  const legendH = 18 * legendRows + 10;
  const width = left + panels.length * pw + (panels.length - 1) * (gap + left) + right;
  const height = top + ph + bottom + legendH + (note ? 24 : 0);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${esc(title)}</text>`);

  // one x range (pause) and one y range (share) for all panels, so they compare at a glance
  const allX: number[] = [], allY: number[] = [];
  for (const p of panels) {
    for (const s of p.series) for (const [x, y] of s.points) { if (x > 0) allX.push(x); allY.push(y); }
    for (const m of p.markers) {
      for (const x of [m.medianUs, m.p99Us, m.maxUs]) if (x > 0 && Number.isFinite(x)) allX.push(x);
      if (m.count > 0) allY.push(1 / m.count);
    }
  }
  const xLo = Math.pow(10, Math.floor(Math.log10(Math.min(...allX)))), xHi = Math.pow(10, Math.ceil(Math.log10(Math.max(...allX))));
  const yLo = Math.pow(10, Math.floor(Math.log10(Math.max(1e-7, Math.min(...allY))))), yHi = 1;

  panels.forEach((panel, pi) => {
    const x0 = left + pi * (pw + gap + left), y0 = top;
    const X = (us: number) => x0 + (pw * (Math.log10(us) - Math.log10(xLo))) / (Math.log10(xHi) - Math.log10(xLo));
    const Y = (f: number) => y0 + (ph * (Math.log10(yHi) - Math.log10(f))) / (Math.log10(yHi) - Math.log10(yLo));
    out.push(`<text x="${x0 + pw / 2}" y="${y0 - 24}" text-anchor="middle" font-size="13" font-weight="bold">${esc(panel.title)}</text>`);
    if (panel.subtitle) out.push(`<text x="${x0 + pw / 2}" y="${y0 - 8}" text-anchor="middle" font-size="11" fill="#444">${esc(panel.subtitle)}</text>`);
    out.push(`<rect x="${x0}" y="${y0}" width="${pw}" height="${ph}" fill="#fcfcfc" stroke="#999"/>`);
    // grid and ticks
    for (let d = Math.log10(xLo); d <= Math.log10(xHi) + 1e-9; d++) {
      const x = X(Math.pow(10, d));
      out.push(`<line x1="${f1(x)}" y1="${y0}" x2="${f1(x)}" y2="${y0 + ph}" stroke="#e2e2e2"/>`);
      out.push(`<text x="${f1(x)}" y="${y0 + ph + 16}" text-anchor="middle">${timeLabel(Math.pow(10, d))}</text>`);
    }
    for (let d = 0; d >= Math.log10(yLo) - 1e-9; d--) {
      const y = Y(Math.pow(10, d));
      out.push(`<line x1="${x0}" y1="${f1(y)}" x2="${x0 + pw}" y2="${f1(y)}" stroke="#e2e2e2"/>`);
      out.push(`<text x="${x0 - 6}" y="${f1(y + 4)}" text-anchor="end">${shareLabel(Math.pow(10, d))}</text>`);
    }
    // median and p99 guides
    for (const [f, name] of [[0.5, "median"], [0.01, "p99"]] as const) {
      const y = Y(f);
      out.push(`<line x1="${x0}" y1="${f1(y)}" x2="${x0 + pw}" y2="${f1(y)}" stroke="#888" stroke-dasharray="2,3"/>`);
      out.push(`<text x="${x0 + pw - 4}" y="${f1(y - 4)}" text-anchor="end" fill="#666" font-size="10">${name}</text>`);
    }
    out.push(`<text x="${x0 + pw / 2}" y="${y0 + ph + 36}" text-anchor="middle">pause (log scale)</text>`);
    out.push(`<text transform="translate(${x0 - 70},${y0 + ph / 2}) rotate(-90)" text-anchor="middle">share of collections at least this long (log)</text>`);
    // distributions
    panel.series.forEach((s, i) => {
      const color = s.color ?? PALETTE[i % PALETTE.length];
      // a step line: from each point right to the next pause, then down
      const pts: string[] = [];
      for (let k = 0; k < s.points.length; k++) {
        const [x, y] = s.points[k];
        if (x <= 0) continue;
        pts.push(`${f1(X(x))},${f1(Y(y))}`);
        const next = s.points[k + 1];
        if (next && next[0] > 0) pts.push(`${f1(X(next[0]))},${f1(Y(y))}`);
      }
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6,4"' : ""} points="${pts.join(" ")}"/>`);
    });
    // BEAM markers: diamonds at (median, 50%), (p99, 1%), (max, 1/count)
    panel.markers.forEach((m) => {
      const color = m.color ?? BEAM_COLOR;
      const marks: [number, number][] = [[m.medianUs, 0.5], [m.p99Us, 0.01], [m.maxUs, 1 / Math.max(1, m.count)]];
      const ok = marks.filter(([x, y]) => x > 0 && Number.isFinite(x) && y > 0);
      out.push(`<polyline fill="none" stroke="${color}" stroke-width="1" stroke-dasharray="1,3" points="${ok.map(([x, y]) => `${f1(X(x))},${f1(Y(y))}`).join(" ")}"/>`);
      for (const [x, y] of ok) {
        const cx = X(x), cy = Y(y), r = 6;
        out.push(`<path d="M${f1(cx)},${f1(cy - r)} L${f1(cx + r)},${f1(cy)} L${f1(cx)},${f1(cy + r)} L${f1(cx - r)},${f1(cy)} Z" fill="${color}" fill-opacity="0.85" stroke="#fff"/>`);
      }
    });
    // legend below the panel
    let ly = y0 + ph + 52;
    panel.series.forEach((s, i) => {
      const color = s.color ?? PALETTE[i % PALETTE.length];
      out.push(`<line x1="${x0}" y1="${ly}" x2="${x0 + 26}" y2="${ly}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6,4"' : ""}/>`);
      out.push(`<text x="${x0 + 32}" y="${ly + 4}">${esc(s.label)} (${s.count.toLocaleString("en-US")} collections)</text>`);
      ly += 18;
    });
    panel.markers.forEach((m) => {
      const color = m.color ?? BEAM_COLOR;
      out.push(`<path d="M${x0 + 13},${ly - 6} L${x0 + 19},${ly} L${x0 + 13},${ly + 6} L${x0 + 7},${ly} Z" fill="${color}"/>`);
      out.push(`<text x="${x0 + 32}" y="${ly + 4}">${esc(m.label)}: median, p99, max (${m.count.toLocaleString("en-US")} collections)</text>`);
      ly += 18;
    });
  });
  if (note) out.push(`<text x="${left}" y="${height - 10}" font-size="11" fill="#444">${esc(note)}</text>`);
  out.push("</svg>");
  return out.join("\n") + "\n";
}

/** The chart bench/gc.ts writes, from the `chart` section of its result file. */
export function chartFromResult(doc: { chart?: { title: string; note: string; panels: Panel[] } }): string {
  if (!doc.chart) throw new Error("this result file has no chart section (bench/gc.ts writes one)");
  return pauseChartSvg(doc.chart.title, doc.chart.panels, doc.chart.note);
}

if (require.main === module) {
  const [src, dst] = process.argv.slice(2);
  if (!src || !dst) {
    console.error("usage: node dist/bench/lib/chart.js bench/results/gc.json docs/gc-pauses.svg");
    process.exit(2);
  }
  fs.writeFileSync(dst, chartFromResult(JSON.parse(fs.readFileSync(src, "utf8"))));
  console.log(`wrote ${dst}`);
}
