// `npm start`: a few processes on one runtime, showing preemption by
// reductions, sleeping on timers, exits and crashes that end one process.
// Usage: node --experimental-wasm-wasmfx dist/host/demo.js [--backend auto|fx|asyncify]
import { Runtime, Atom } from "./index";
import type { BackendChoice } from "./backend";

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
  const spawn = (label: string, program: string, arg: number | Atom | null = null, priority?: "high" | "low") => {
    const pid = rt.spawn(program, arg, { priority });
    names.set(pid.toString(), label);
    say(pid, `spawned (${program}${arg === null ? "" : ` ${arg}`}${priority ? `, ${priority} priority` : ""})`);
    return pid;
  };

  rt.onTrace((e) => {
    if (e.code === 3) say(e.pid, `counted to ${e.value}`);
    else if (e.code === 4) say(e.pid, `woke after ${(Number(e.value) / 1000).toFixed(1)} ms`);
    else if (e.code === 2) say(e.pid, `done: ${e.value}`);
  });
  rt.onExit((e) => say(e.pid, `exited: ${e.text}`));

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
  const s = rt.stats();
  console.log(`\nall done (${outcome}): ${s.spawned} processes, ${s.switches} slices, ${s.reductions} reductions, ` +
    `${s.alive} alive, backend ${s.backend}`);
  rt.stop();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
