// Run in a Worker by tests/crashes.test.ts: a process recursing `depth` deep
// on the native stack (and suspending there, every 4000 reductions), with a
// bystander whose work checks the memory around it, on the backend given;
// posts what they reported. ESM, from dist/ (the Worker does not run ts-jest).
import { parentPort, workerData } from "node:worker_threads";
import { TestRuntime } from "../../dist/host/testing.js";
import { Trace } from "../../dist/assembly/boundary/codes.js";

const { backend, depth } = workerData;
const rt = await TestRuntime.start({ backend, debug: true, poisonFromSpace: true });
const exits = {}, done = {};
rt.onExit((e) => { exits[String(e.pid)] = e.text; });
rt.onTrace((e) => { if (e.code === Trace.DONE) done[String(e.pid)] = String(e.value); });
const deep = rt.spawn("deep_native", depth);
const bystander = rt.spawn("deep_shadow", 1000);
await rt.run();
parentPort.postMessage({ deep: exits[String(deep)], sum: done[String(deep)], bystander: exits[String(bystander)], bystanderSum: done[String(bystander)] });
rt.stop();
