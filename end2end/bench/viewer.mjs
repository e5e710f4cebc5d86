// Benchmark: the treatment viewer's work on a real dental arch, in wasm in
// headless Chromium: the difference map between a stage and a copy moved
// by 1 mm (what "Show difference" computes per arch, on the main thread),
// the problem edges ("Show problems"), and one pick (a Measure tap).
//
//   npm run bench:viewer [FILE.stl]
//
// It prints figures; it fails only when something did not work, never
// because something was slow.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { corpus } from '../tests/support.mjs';
import { measureInAppPage, median, reportProblems } from './page.mjs';

const RUNS = 5;
const WARMUPS = 1;
const INPUT_URL = '/__bench/arch.stl';

/** Runs in the page: every run's milliseconds and the last result, per operation. */
async function measureInPage({ inputUrl, runs, warmups }) {
  const bytes = new Uint8Array(await (await fetch(inputUrl)).arrayBuffer());
  const time = (work) => {
    const ms = [];
    let result;
    for (let i = 0; i < warmups + runs; i += 1) {
      const start = performance.now();
      result = work();
      ms.push(performance.now() - start);
    }
    return { ms: ms.slice(warmups), result };
  };
  const { MeshForBenchmark } = window.wasmBindings;
  const read = time(() => new MeshForBenchmark(bytes));
  const stage = read.result;
  const moved = stage.shifted(1, 0, 0);
  return {
    read: { ms: read.ms, result: null },
    difference: time(() => moved.differenceTo(stage)),
    problems: time(() => stage.problemEdges()),
    pick: time(() => stage.pickDown()),
  };
}

async function main() {
  const file = process.argv[2] ? path.resolve(process.argv[2]) : corpus('public/dental/ref_upper_tag0.stl');
  const input = await readFile(file);
  const { figures, problems } = await measureInAppPage({ [INPUT_URL]: input }, measureInPage, {
    inputUrl: INPUT_URL,
    runs: RUNS,
    warmups: WARMUPS,
  });
  console.log(`${path.basename(file)}: ${input.length} bytes`);
  for (const [name, { ms, result }] of Object.entries(figures)) {
    const shown = result === null ? '' : ` — result ${typeof result === 'number' ? result.toFixed(3) : result}`;
    console.log(`browser viewer ${name}: median ${median(ms).toFixed(1)} ms [${ms.length} runs after ${WARMUPS} warm-up]${shown}`);
  }
  if (!(figures.difference.result > 0.9 && figures.difference.result <= 1.0001)) {
    problems.push(`a copy moved by 1 mm has a largest distance of ${figures.difference.result} mm`);
  }
  if (Number.isNaN(figures.pick.result)) problems.push('the pick down the middle of the arch missed it');
  reportProblems(problems);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
