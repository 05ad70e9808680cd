// One backend's link, in a worker thread (linkProgramInParallel, compiler/link.ts): workerData is
// the LinkProgramOptions, naming one backend; the answer is { linked } or { error }.
import { parentPort, workerData } from "node:worker_threads";
import { linkProgram, type Backend, type LinkProgramOptions } from "./link.js";

const options = workerData as LinkProgramOptions;
try {
  const linked = linkProgram(options)[options.backends![0] as Backend]!;
  parentPort!.postMessage({ linked }, [linked.bytes.buffer as ArrayBuffer]);
} catch (e) {
  const err = e as Error;
  parentPort!.postMessage({ error: { name: err.name, message: err.message } });
}
