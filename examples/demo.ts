// `npm start`: a few processes on one runtime, showing preemption by
// reductions, sleeping on timers, exits and crashes that end one process,
// messages, and a supervisor restarting a crashing child.
// Usage: node --experimental-wasm-wasmfx dist/examples/demo.js [--backend auto|fx|asyncify]
import { TestRuntime as Runtime, Atom, Tuple, type BackendChoice } from "../host/testing.js";
import { Trace } from "../assembly/boundary/codes.js";

async function main(): Promise<void> {
  const i = process.argv.indexOf("--backend");
  const backend = (i > 0 ? process.argv[i + 1] : "auto") as BackendChoice;
  const rt = await Runtime.start({ backend });
  console.log(`Shoal on ${rt.backend === "fx" ? "WasmFX" : "Asyncify"} (backend "${rt.backend}": ${rt.backendReason})\n`);

  const names = new Map<string, string>();
  const t0 = performance.now();
  const say = (pid: { toString(): string }, what: string) => {
    const who = `${pid} ${names.get(pid.toString()) ?? ""}`.padEnd(26);
    console.log(`${(performance.now() - t0).toFixed(1).padStart(7)} ms  ${who} ${what}`);
  };
  const spawn = (label: string, program: string, arg: number | Atom | null = null, priority?: "high" | "low", shown: unknown = arg) => {
    const pid = rt.spawnOpt(program, [arg], { priority });
    names.set(pid.toString(), label);
    if (program === "ring" || program === "gc_worker") quiet.add(pid.toString());
    say(pid, `spawned (${program}${shown === null ? "" : ` ${shown}`}${priority ? `, ${priority} priority` : ""})`);
    return pid;
  };

  rt.onTrace((e) => {
    if (e.code === Trace.PROGRESS) say(e.pid, `counted to ${e.value}`);
    else if (e.code === Trace.SLEPT) say(e.pid, `woke after ${(Number(e.value) / 1000).toFixed(1)} ms`);
    else if (e.code === Trace.DONE && !quiet.has(e.pid.toString())) say(e.pid, `done: ${e.value}`);
    else if (e.code === Trace.RUN_NS) runNs.set(e.pid.toString(), e.value);
  });
  const runNs = new Map<string, bigint>();
  const quiet = new Set<string>();
  rt.onExit((e) => { if (!quiet.has(e.pid.toString()) && names.has(e.pid.toString())) say(e.pid, `exited: ${e.text}`); });

  spawn("counter A", "counter", 100_000);
  spawn("counter B", "counter", 100_000);
  spawn("sleeper", "sleeper", 40);
  spawn("sleeper", "sleeper", 15);
  spawn("exiter", "exiter", Atom.of("finished_early"));
  spawn("crasher", "trapper");
  spawn("deep recursion", "deep_native", 10_000_000);
  spawn("low counter", "counter", 50_000, "low");
  console.log("\nThe counters never yield by themselves: each is preempted after 4000 reductions,");
  console.log("so their progress interleaves. Crashes end one process, with a reason.\n");

  const outcome = await rt.run();

  // messages: a copy into the receiver's heap, the host's own mailbox, a ring of processes
  console.log("\nMessages are copied into the receiver's heap; the host has a mailbox too:\n");
  const echo = spawn("echo", "echo_host");
  rt.register("echo", echo);
  rt.send("echo", new Tuple([Atom.of("hello"), [1, 2, 3], 2.5]));
  const back = (await rt.receive({ timeoutMs: 1000 })) as Tuple;
  say(echo, `echoed {${back.elements.map((e) => Array.isArray(e) ? `[${e}]` : String(e)).join(", ")}} back to the host`);
  rt.send("echo", Atom.of("stop"));
  const ring = spawn("ring of 1,000", "ring", Number((1000n << 32n) | 100n), undefined, "1000 processes, 100 laps");
  let gcs = 0;
  rt.onGc(() => gcs++);
  await rt.run();
  const hop = h(rt, ring);
  say(ring, `a token went 100 times round 1,000 processes: ${hop.toFixed(0)} ns per hop`);
  const worker = spawn("gc worker", "gc_worker", 20000);
  await rt.run();
  say(worker, `rebuilt a 20,000-cell list 200 times: ${gcs} collections, each of one process's heap only`);

  // a supervision tree: a crashing child is restarted, its sibling left alone (one_for_one)
  console.log("\nA supervisor restarts a crashing child; its sibling keeps running:\n");
  const sup = rt.supervise({
    strategy: "one_for_one", intensity: 3, period: 5,
    children: [{ id: Atom.of("worker_a"), start: ["testing:puppet", []] }, { id: Atom.of("worker_b"), start: ["testing:puppet", []] }],
  });
  names.set(sup.toString(), "supervisor");
  say(sup, "started (one_for_one, at most 3 restarts in 5 s)");
  await rt.run();
  const kids = async () => {
    const probe = rt.spawn("puppet");
    rt.send(probe, new Tuple([Atom.of("send"), sup, new Tuple([Atom.of("which_children"), probe])]));
    await rt.run();
    const reply = ((await rt.receive({ timeoutMs: 1000 })) as Tuple).elements[2] as Tuple;
    rt.kill(probe);
    return (reply.elements[1] as Tuple[]).map((c) => [String(c.elements[0]), c.elements[1]] as const);
  };
  for (const [id, pid] of await kids()) { names.set(String(pid), id); say(pid as object, "child of the supervisor"); }
  const [[, first]] = await kids();
  rt.send(first as never, new Tuple([Atom.of("die"), Atom.of("crashed")]));
  await rt.run();
  for (const [id, pid] of await kids()) {
    if (!names.has(String(pid))) { names.set(String(pid), `${id} (restarted)`); say(pid as object, "started again by the supervisor"); }
  }
  rt.exit(sup, Atom.of("shutdown"));
  await rt.run();

  const s = rt.stats();
  console.log(`\nall done (${outcome}): ${s.spawned} processes, ${s.switches} slices, ${s.reductions} reductions, ` +
    `${s.messagesSent} messages, ${s.alive} alive, backend ${s.backend}`);
  rt.stop();

  /** ns per hop the ring reported (its run time over 1,000 x 100 hops). */
  function h(_: Runtime, pid: { toString(): string }): number {
    return Number(runNs.get(pid.toString()) ?? 0) / 100_000;
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
