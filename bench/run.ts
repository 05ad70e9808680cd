// Shoal's benchmarks: `npm run bench` (all), `npm run bench -- yield c10m`
// (some), `npm run bench:smoke` (all, scaled down, no BEAM: a few seconds).
//
//   node --experimental-wasm-wasmfx --expose-gc dist/bench/run.js [--smoke] [--no-beam] [yield|spawn|memory|c10m|gc|messages|exceptions|depth|link|linked|compiled ...]
//
// Each suite prints its tables and targets and writes bench/results/<name>.json
// (bench/results/smoke/ with --smoke). Exits 1 if any suite crashed or a
// checked count was wrong, 2 on bad arguments.

import * as fs from "node:fs";
import * as path from "node:path";
import {
  Options, SuiteResult, Target, CheckError, machineLine, otherLoad, ratio, ROOT, removeTempDirs, setSmoke, snapshotModules, table, verdict, waitQuiet,
} from "./lib/common";
import { beamAvailable, beamVersion } from "./lib/beam";
import * as yieldSuite from "./yield";
import * as spawnSuite from "./spawn";
import * as memorySuite from "./memory";
import * as c10mSuite from "./c10m";
import * as gcSuite from "./gc";
import * as messagesSuite from "./messages";
import * as signalsSuite from "./signals";
import * as exceptionsSuite from "./exceptions";
import * as depthSuite from "./depth";
import * as linkSuite from "./link";
import * as linkedSuite from "./linked_ab";
import * as compiledSuite from "./compiled";

const SUITES: Record<string, (o: Options) => Promise<SuiteResult>> = {
  yield: yieldSuite.run,
  spawn: spawnSuite.run,
  memory: memorySuite.run,
  c10m: c10mSuite.run,
  gc: gcSuite.run,
  messages: messagesSuite.run,
  signals: signalsSuite.run,
  exceptions: exceptionsSuite.run,
  depth: depthSuite.run,
  link: linkSuite.run,
  linked: linkedSuite.run,
  compiled: compiledSuite.run,
};

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const o: Options = { smoke: args.includes("--smoke"), beam: !args.includes("--no-beam") };
  const unknownFlags = args.filter((a) => a.startsWith("--") && a !== "--smoke" && a !== "--no-beam");
  const names = args.filter((a) => !a.startsWith("--"));
  const bad = names.filter((n) => !SUITES[n]);
  if (unknownFlags.length || bad.length) {
    console.error(`unknown ${[...unknownFlags, ...bad].join(", ")}; usage: run.js [--smoke] [--no-beam] [${Object.keys(SUITES).join("|")} ...]`);
    return 2;
  }
  setSmoke(o.smoke);
  const modules = snapshotModules();
  const chosen = names.length ? names : Object.keys(SUITES);
  const beam = o.beam && !o.smoke && beamAvailable();
  console.log(`Shoal benchmarks${o.smoke ? " (smoke)" : ""}: ${chosen.join(", ")}`);
  console.log(`machine: ${machineLine()}`);
  console.log(`modules: build/testing.{asyncify,fx}.wasm (the release core with the test programs linked), copied to ${modules} for this run`);
  console.log(`BEAM: ${beam ? beamVersion() : o.smoke ? "skipped (--smoke)" : !o.beam ? "skipped (--no-beam)" : "erl not on PATH: docs/engine-facts.md figures where one exists"}`);

  const started = Date.now();
  const failures: { name: string; error: unknown }[] = [];
  const targets: Target[] = [];
  const files: string[] = [];
  for (const name of chosen) {
    console.log(`\n=== ${name} ===`);
    // on a shared machine, wait for other jobs to calm down first (as anchors/beam/run.sh does)
    const quiet = o.smoke ? undefined : await waitQuiet();
    if (quiet) console.log(`CPUs ${quiet.busyPct.toFixed(0)}% busy before the suite (waited ${quiet.waitedSeconds.toFixed(0)} s)`);
    const t0 = Date.now();
    const others = otherLoad();
    try {
      const r = await SUITES[name](o);
      const otherPct = others();
      targets.push(...r.targets);
      files.push(r.file);
      // note the load in the suite's result file
      const file = path.join(ROOT, r.file);
      const doc = JSON.parse(fs.readFileSync(file, "utf8"));
      doc.load = { busyBeforePct: quiet?.busyPct ?? null, waitedSeconds: quiet?.waitedSeconds ?? 0, otherProcessesPctDuring: otherPct };
      fs.writeFileSync(file, JSON.stringify(doc, null, 2) + "\n");
      console.log(`(${name}: ${((Date.now() - t0) / 1000).toFixed(1)} s; other processes used ${otherPct.toFixed(0)}% of all CPUs meanwhile; wrote ${r.file})`);
    } catch (e) {
      failures.push({ name, error: e });
      console.error(`\n${name} FAILED${e instanceof CheckError ? " (wrong count)" : ""}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    }
  }

  if (targets.length) {
    table("=== all targets ===", ["suite", "target", "ours/ref", "goal", "verdict"],
      targets.map((t) => [t.suite, t.what, ratio(t.ratio), `<= ${t.limit}x`, verdict(t)]));
  }
  removeTempDirs();
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(1)} s; ${failures.length ? `FAILED: ${failures.map((f) => f.name).join(", ")}` : "all suites ran, all counts checked"}`);
  return failures.length ? 1 : 0;
}

main().then((code) => { process.exitCode = code; }, (e) => {
  console.error(e);
  process.exitCode = 1;
});
