// The layer check (scripts/check-layers.mjs): the repository passes it, and it
// catches back edges, cycles, a testing program reaching into the runtime, and
// reads outside the repository on small synthetic trees. Also: the predefined
// atoms of assembly/boundary/atoms.ts agree with their names.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { PredefinedAtom, PREDEFINED_ATOM_NAMES } from "../assembly/boundary/atoms";

const REPO = path.resolve(__dirname, "..");
const SCRIPT = path.join(REPO, "scripts", "check-layers.mjs");

/** Runs the check on `root`: its exit status and output lines. */
function check(root: string): { status: number | null; lines: string[] } {
  const r = spawnSync(process.execPath, [SCRIPT, "--root", root], { encoding: "utf8" });
  if (r.error) throw r.error;
  return { status: r.status, lines: r.stdout.split("\n").filter((l) => l) };
}

/** An import statement of `spec` (built so this file's own text holds no such import). */
const imp = (spec: string) => "import { x } from " + JSON.stringify(spec) + ";\nexport const y = x;\n";

/** `n` steps up, then `rel` (so this file's own strings never name the sibling shared folder). */
const up = (n: number, rel: string) => "../".repeat(n) + rel;

/** A synthetic tree of `files` (path -> text) in a fresh temporary directory. */
function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "shoal-layers-"));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

const roots: string[] = [];
afterAll(() => { for (const r of roots) fs.rmSync(r, { recursive: true, force: true }); });
function checkTree(files: Record<string, string>) {
  const root = tree(files);
  roots.push(root);
  return check(root);
}

describe("layers", () => {
  test("the repository passes", () => {
    const { status, lines } = check(REPO);
    expect(lines.filter((l) => !l.startsWith("note:"))).toEqual([expect.stringMatching(/^layers ok: /)]);
    expect(status).toBe(0);
  });

  test("a clean synthetic tree passes", () => {
    const { status, lines } = checkTree({
      "assembly/boundary/codes.ts": "export const A = 1;\n",
      "gc/mem/heap.ts": imp("../../assembly/boundary/codes"),
      "gc/term/term.ts": imp("../mem/heap"),
      "gc/collector.ts": imp("./term/term"),
      "assembly/runtime/process.ts": imp("../../gc/collector"),
      "assembly/index.ts": imp("./runtime/process"),
      "assembly/testing/programs.ts": imp(up(1, "boundary/codes")),
      "host/index.ts": imp("../assembly/boundary/codes"),
    });
    expect(lines).toEqual([expect.stringMatching(/^layers ok: 8 files checked, 7 import edges/)]);
    expect(status).toBe(0);
  });

  test("a back edge fails, named", () => {
    const { status, lines } = checkTree({
      "gc/term/x.ts": imp("../../assembly/runtime/y"),
      "assembly/runtime/y.ts": "export const x = 1;\n",
    });
    expect(lines).toContain("back edge: gc/term/x.ts -> assembly/runtime/y.ts (layer 2 imports layer 4)");
    expect(status).toBe(1);
  });

  test("a cycle in gc/ is reported; one inside assembly/runtime/ is only a note", () => {
    const { status, lines } = checkTree({
      "gc/a.ts": imp("./b"),
      "gc/b.ts": imp("./a"),
      "assembly/runtime/p.ts": imp("./q"),
      "assembly/runtime/q.ts": imp("./p"),
    });
    expect(lines).toContain("cycle: gc/a.ts -> gc/b.ts -> gc/a.ts");
    expect(lines).toContain("note: cycle: assembly/runtime/p.ts -> assembly/runtime/q.ts -> assembly/runtime/p.ts");
    expect(lines.filter((l) => l.startsWith("cycle:"))).toHaveLength(1);
    expect(status).toBe(1);
  });

  test("a testing program may read the term layout, but importing runtime state is reported", () => {
    const { status, lines } = checkTree({
      "assembly/testing/prog.ts": imp("../../gc/term/term") + imp("../../gc/term/atoms"),
      "gc/term/term.ts": "export const x = 1;\n",
      "gc/term/atoms.ts": "export const y = 1;\n",
    });
    expect(lines.some((l) => l.startsWith("forbidden: assembly/testing/prog.ts -> gc/term/atoms.ts"))).toBe(true);
    expect(lines.some((l) => l.includes("-> gc/term/term.ts"))).toBe(false);
    expect(status).toBe(1);
  });

  test("a file reading the shared folder beside the repository is reported", () => {
    const { status, lines } = checkTree({
      "bench/x.ts": "// a comment naming " + up(1, "shared/FACTS.md") + " is fine\n" +
        "export const p = " + JSON.stringify(up(1, "shared/x")) + ";\n",
    });
    expect(lines).toEqual(["outside: bench/x.ts:2"]);
    expect(status).toBe(1);
  });

  test("the TypeScript side: host/ stays below tests/, bench/ below tests/, tests/ may use bench/lib/", () => {
    const { status, lines } = checkTree({
      "host/h.ts": imp("../tests/t"),
      "tests/t.ts": imp("../bench/lib/common"),
      "bench/lib/common.ts": "export const x = 1;\n",
      "bench/run.ts": imp("../tests/t"),
      "examples/e.ts": imp(up(2, "elsewhere/e")),
    });
    expect(lines).toEqual([
      "forbidden: bench/run.ts -> tests/t.ts (bench/ may import only assembly/, gc/, host/, compiler/, bench/)",
      "outside: examples/e.ts:1",
      "forbidden: host/h.ts -> tests/t.ts (host/ may import only assembly/boundary/, host/)",
    ]);
    expect(status).toBe(1);
  });
});

describe("assembly/boundary/atoms.ts", () => {
  test("PredefinedAtom member i is atom i of PREDEFINED_ATOM_NAMES", () => {
    const names = PREDEFINED_ATOM_NAMES.split(" ");
    const special: Record<string, string> = { EXIT_TAG: "EXIT", DOWN_TAG: "DOWN" };
    const members = names.map((_, i) => PredefinedAtom[i] as string);
    expect(members.map((m) => special[m] ?? m.toLowerCase())).toEqual(names);
    expect(PredefinedAtom.COUNT as number).toBe(names.length);
  });
});
