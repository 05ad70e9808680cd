// messages: message passing against BEAM's pingpong.erl and ring.erl
// (bench/beam, +S 1:1), plus fan-in and copy cost.
//
//   ping-pong  "ping" with arg N: a pinger and a ponger exchange the atoms
//              ping/pong; 1,000 warm-up round trips, then N timed (traced
//              as Trace.RUN_NS = ns). ns/msg = ns / (2N), as pingpong.erl's
//              pingpong.message.
//   ring       "ring" with arg N << 32 | M: N processes in a ring, the head
//              decrements an integer token once per lap, M laps; Trace.SETUP_NS =
//              setup ns (spawn + wire up), Trace.RUN_NS = run ns from injecting
//              the token to the last lap. ns/hop = run / (N*M), as ring.erl's
//              ring.n<N>_m<M>.hop. Shapes: 10,000 x 100 and 100 x 100,000.
//   fan-in     "fanin" with arg S after rt.configureFanIn(M): S senders each
//              send {Self, I} for I in 0..M-1 to one receiver, which checks
//              each sender's order (Trace.ERRORS = order errors, must be 0) and
//              sums every I (Trace.DONE = S*M*(M-1)/2, checked); Trace.RUN_NS = ns,
//              from the first spawn to the last message. No BEAM anchor.
//   copy       "copy" with arg K after rt.configureCopy(R): a K-element list
//              sent R times to a sink, each acknowledged (one in flight);
//              Trace.RUN_NS = ns. A K-element list is 2K words, so the copy cost
//              is (T(K) - T(0)) / (R * 2K) ns/word, T(0) being the same
//              round trips with the empty list. No BEAM anchor.
//
// Each run is a fresh runtime. Reps of ours and of BEAM's are interleaved
// (ours, then BEAM's, per rep). Writes bench/results/messages.json.

import type { Backend } from "../host/backend";
import {
  Options, SuiteResult, Target, backends, check, DEFAULT_BACKEND, median, min, num, printTargets, ratio, startRuntime,
  table, target, writeResult, int,
} from "./lib/common";
import { Trace } from "../assembly/boundary/codes";
import { beamAvailable, beamMedians, beamSource, beamVersion, runBeam, BeamRun } from "./lib/beam";

interface Traced { [code: number]: bigint }

/** One program in a fresh runtime, run to idle; the trace values of the spawned process, by code. */
async function runOne(backend: Backend, what: string, prog: string, arg: number | bigint, maxProcesses: number,
  setup: (rt: import("../host/testing").TestRuntime) => void = () => {}): Promise<Traced> {
  const rt = await startRuntime(backend, { maxProcesses });
  try {
    setup(rt);
    const got: Traced = {};
    let pidTerm: bigint | null = null;
    rt.onTrace((e) => { if (e.pid.term === pidTerm) got[e.code] = e.value; });
    pidTerm = rt.spawn(prog, arg).term;
    const out = await rt.run();
    const st = rt.stats();
    check(out === "idle", `${backend} ${what}: run ended '${out}', expected 'idle'`);
    check(st.alive === 0, `${backend} ${what}: ${st.alive} processes still alive`);
    check(st.messagesQueued === 0, `${backend} ${what}: ${st.messagesQueued} messages left in mailboxes`);
    for (const code of [Trace.RUN_NS, Trace.DONE]) check(got[code] !== undefined, `${backend} ${what}: no trace code ${Trace[code]}`);
    return got;
  } finally {
    rt.stop();
  }
}

interface Config {
  pingN: number;
  rings: [number, number][];
  faninSenders: number; faninM: number;
  copyReps: number; copyK: number;
  reps: number; beamReps: number;
}

interface Rep {
  pingNsPerMsg: number;
  ring: Record<string, { setupNsPerProc: number; hopNs: number }>;
  faninNsPerMsg: number;
  copyNsPerWord: number;
  copyRoundTripNs: number;
}

const ringKey = (n: number, m: number) => `n${n}_m${m}`;

async function oneRep(backend: Backend, c: Config): Promise<Rep> {
  // ping-pong
  const p = await runOne(backend, `ping ${c.pingN}`, "ping", c.pingN, 64);
  check(p[Trace.DONE] === BigInt(c.pingN), `${backend} ping: ${p[Trace.DONE]} round trips reported, expected ${c.pingN}`);
  const pingNsPerMsg = Number(p[Trace.RUN_NS]) / (2 * c.pingN);

  // rings
  const ring: Rep["ring"] = {};
  for (const [n, m] of c.rings) {
    const r = await runOne(backend, `ring ${n} x ${m}`, "ring", (BigInt(n) << 32n) | BigInt(m), n + 64);
    check(r[Trace.DONE] === BigInt(n) * BigInt(m), `${backend} ring ${n} x ${m}: ${r[Trace.DONE]} hops reported, expected ${n * m}`);
    check(r[Trace.SETUP_NS] !== undefined, `${backend} ring ${n} x ${m}: no setup time (Trace.SETUP_NS)`);
    ring[ringKey(n, m)] = { setupNsPerProc: Number(r[Trace.SETUP_NS]) / n, hopNs: Number(r[Trace.RUN_NS]) / (n * m) };
  }

  // fan-in
  const s = c.faninSenders, m = c.faninM;
  const f = await runOne(backend, `fan-in ${s} x ${m}`, "fanin", s, s + 64, (rt) => rt.configureFanIn(m));
  check(f[Trace.ERRORS] === 0n, `${backend} fan-in: ${f[Trace.ERRORS]} messages out of their sender's order`);
  const want = (BigInt(s) * BigInt(m) * BigInt(m - 1)) / 2n;
  check(f[Trace.DONE] === want, `${backend} fan-in: checksum ${f[Trace.DONE]}, expected ${want} (a message lost or duplicated)`);
  const faninNsPerMsg = Number(f[Trace.RUN_NS]) / (s * m);

  // copy cost
  const copy = async (k: number) => {
    const r = await runOne(backend, `copy ${k} x ${c.copyReps}`, "copy", k, 64, (rt) => rt.configureCopy(c.copyReps));
    check(r[Trace.DONE] === BigInt(k), `${backend} copy: list of ${r[Trace.DONE]} reported, expected ${k}`);
    return Number(r[Trace.RUN_NS]);
  };
  const t0 = await copy(0), tk = await copy(c.copyK);
  return {
    pingNsPerMsg, ring, faninNsPerMsg,
    copyNsPerWord: (tk - t0) / (c.copyReps * 2 * c.copyK),
    copyRoundTripNs: t0 / c.copyReps,
  };
}

export async function run(o: Options): Promise<SuiteResult> {
  const c: Config = o.smoke
    ? { pingN: 20_000, rings: [[1000, 20], [100, 1000]], faninSenders: 100, faninM: 100, copyReps: 500, copyK: 1000, reps: 1, beamReps: 0 }
    : { pingN: 1_000_000, rings: [[10_000, 100], [100, 100_000]], faninSenders: 1000, faninM: 1000, copyReps: 10_000, copyK: 1000, reps: 3, beamReps: 3 };
  const useBeam = o.beam && !o.smoke && beamAvailable();
  const list = backends();
  console.log(`messages: ping-pong ${int(c.pingN)} round trips; rings ${c.rings.map(([n, m]) => `${int(n)} x ${int(m)}`).join(", ")}; ` +
    `fan-in ${int(c.faninSenders)} x ${int(c.faninM)}; copy ${int(c.copyK)}-element list x ${int(c.copyReps)}; ${c.reps} reps, fresh runtime per run`);

  const res: Partial<Record<Backend, Rep[]>> = {};
  const beam: { pingpong: BeamRun[]; ring: Record<string, BeamRun[]> } = { pingpong: [], ring: {} };
  for (let rep = 0; rep < c.reps; rep++) {
    for (const backend of list) {
      const r = await oneRep(backend, c);
      (res[backend] ??= []).push(r);
      console.log(`  rep ${rep + 1} ${backend}: ping-pong ${num(r.pingNsPerMsg)} ns/msg, ` +
        c.rings.map(([n, m]) => `ring ${int(n)}x${int(m)} ${num(r.ring[ringKey(n, m)].hopNs)} ns/hop`).join(", ") +
        `, fan-in ${num(r.faninNsPerMsg)} ns/msg, copy ${num(r.copyNsPerWord)} ns/word`);
    }
    if (useBeam && rep < c.beamReps) {
      const b = runBeam(["+S", "1:1"], "pingpong", [c.pingN]);
      beam.pingpong.push(b);
      const parts = [`ping-pong ${num(b.metrics["pingpong.message"]?.value)} ns/msg`];
      for (const [n, m] of c.rings) {
        const rb = runBeam(["+S", "1:1"], "ring", [n, m]);
        (beam.ring[ringKey(n, m)] ??= []).push(rb);
        parts.push(`ring ${int(n)}x${int(m)} ${num(rb.metrics[`ring.${ringKey(n, m)}.hop`]?.value)} ns/hop`);
      }
      console.log(`  rep ${rep + 1} BEAM +S 1:1: ${parts.join(", ")}`);
    }
  }

  const med = (b: Backend, f: (r: Rep) => number) => median(res[b]!.map(f));
  const mn = (b: Backend, f: (r: Rep) => number) => min(res[b]!.map(f));
  const beamPing = beam.pingpong.length ? beamMedians(beam.pingpong)["pingpong.message"] : undefined;
  const beamRing = (n: number, m: number) => {
    const runs = beam.ring[ringKey(n, m)];
    return runs?.length ? beamMedians(runs) : undefined;
  };

  const rows: string[][] = list.map((b) => [
    b + (b === DEFAULT_BACKEND ? " (default)" : ""),
    `${num(med(b, (r) => r.pingNsPerMsg))} (${num(mn(b, (r) => r.pingNsPerMsg))})`,
    ...c.rings.flatMap(([n, m]) => [
      `${num(med(b, (r) => r.ring[ringKey(n, m)].hopNs))} (${num(mn(b, (r) => r.ring[ringKey(n, m)].hopNs))})`,
      num(med(b, (r) => r.ring[ringKey(n, m)].setupNsPerProc)),
    ]),
    num(med(b, (r) => r.faninNsPerMsg)), num(med(b, (r) => r.copyNsPerWord)), num(med(b, (r) => r.copyRoundTripNs)),
  ]);
  if (beam.pingpong.length) {
    rows.push([`BEAM +S 1:1 (${beam.pingpong.length} VMs)`, `${num(beamPing)} (${num(min(beam.pingpong.map((x) => x.metrics["pingpong.message"].value)))})`,
      ...c.rings.flatMap(([n, m]) => {
        const bm = beamRing(n, m);
        const runs = beam.ring[ringKey(n, m)] ?? [];
        return [`${num(bm?.[`ring.${ringKey(n, m)}.hop`])} (${num(min(runs.map((x) => x.metrics[`ring.${ringKey(n, m)}.hop`].value)))})`,
          num(bm?.[`ring.${ringKey(n, m)}.setup`])];
      }),
      "", "", ""]);
  }
  table(`messages: ns, medians of ${c.reps} runs (min)`,
    ["backend", "ping-pong ns/msg", ...c.rings.flatMap(([n, m]) => [`ring ${int(n)}x${int(m)} ns/hop`, "setup ns/proc"]),
      `fan-in ${int(c.faninSenders)}x${int(c.faninM)} ns/msg`, "copy ns/word", "copy 0-elt RT ns"], rows);

  if (beam.pingpong.length) {
    table("messages: ours / BEAM (medians)", ["backend", "ping-pong", ...c.rings.map(([n, m]) => `ring ${int(n)}x${int(m)}`)],
      list.map((b) => [b, ratio(med(b, (r) => r.pingNsPerMsg) / beamPing!),
        ...c.rings.map(([n, m]) => ratio(med(b, (r) => r.ring[ringKey(n, m)].hopNs) / beamRing(n, m)![`ring.${ringKey(n, m)}.hop`]))]));
  }

  const D = DEFAULT_BACKEND;
  const label = useBeam ? "BEAM +S 1:1, this run" : "BEAM not run";
  const targets: Target[] = [];
  if (res[D]) {
    targets.push(target("messages", `${D} (default): ping-pong ns/msg <= BEAM's`, med(D, (r) => r.pingNsPerMsg), beamPing ?? null, label, "ns", 1));
    for (const [n, m] of c.rings) {
      targets.push(target("messages", `${D} (default): ring ${int(n)} x ${int(m)} ns/hop <= BEAM's`,
        med(D, (r) => r.ring[ringKey(n, m)].hopNs), beamRing(n, m)?.[`ring.${ringKey(n, m)}.hop`] ?? null, label, "ns", 1));
    }
  }
  printTargets("messages targets", targets);

  const file = writeResult(o, "messages", {
    config: c,
    backends: res,
    medians: Object.fromEntries(list.map((b) => [b, {
      pingNsPerMsg: med(b, (r) => r.pingNsPerMsg),
      ring: Object.fromEntries(c.rings.map(([n, m]) => [ringKey(n, m), {
        hopNs: med(b, (r) => r.ring[ringKey(n, m)].hopNs), setupNsPerProc: med(b, (r) => r.ring[ringKey(n, m)].setupNsPerProc),
      }])),
      faninNsPerMsg: med(b, (r) => r.faninNsPerMsg), copyNsPerWord: med(b, (r) => r.copyNsPerWord), copyRoundTripNs: med(b, (r) => r.copyRoundTripNs),
    }])),
    beam: beam.pingpong.length
      ? { version: beamVersion(), flags: "+S 1:1", sources: ["pingpong", "ring"].map(beamSource), pingpong: beam.pingpong, ring: beam.ring,
        medians: { pingNsPerMsg: beamPing, ring: Object.fromEntries(c.rings.map(([n, m]) => [ringKey(n, m), beamRing(n, m)])) } }
      : { skipped: true, reason: o.smoke ? "--smoke" : !o.beam ? "--no-beam" : "erl not on PATH" },
    targets,
  });
  return { name: "messages", targets, file };
}
