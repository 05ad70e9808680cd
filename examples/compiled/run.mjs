// Runs the linked example (README.md in this folder): workers:main(N) on a
// Shoal runtime, then prints what it sent the host.
//
//   node --experimental-wasm-wasmfx run.mjs [program] [N] [--backend auto|fx|asyncify]
//
// program defaults to out/workers next to this file (what `npx shoal link
// workers.wasm lists.wasm -o out/` writes), N to 4.
import { fileURLToPath } from "node:url";
import { Runtime } from "shoal";

const args = process.argv.slice(2);
const b = args.indexOf("--backend");
const backend = b >= 0 ? args.splice(b, 2)[1] : "auto";
const program = args[0] ?? fileURLToPath(new URL("out/workers", import.meta.url));
const n = Number(args[1] ?? 4);

const rt = await Runtime.start({ program, backend });
console.log(`backend: ${rt.backend}`);
console.log(`entries: ${rt.entries().join(" ")}`);
rt.onExit((e) => { if (e.text !== "normal") console.log(`${e.pid} exited: ${e.text}`); });

const main = rt.spawn("workers:main", n);
// the first message: {workers, Pids}, the pids main spawned, newest first
const started = await rt.receive({ timeoutMs: 10_000 });
console.log(`${main} started ${started.elements[1].length} workers: ${started.elements[1].join(" ")}`);
// the second: {total, Total}
const total = await rt.receive({ timeoutMs: 10_000 });
// worker K summed K .. K + 9999
let expected = 0;
for (let k = 1; k <= n; k++) expected += 10_000 * k + 49_995_000;
console.log(`${total.elements[0]}: ${total.elements[1]} (expected ${expected})`);
await rt.run();
console.log(`${rt.stats().spawned} spawned, ${rt.stats().alive} alive`);
rt.stop();
