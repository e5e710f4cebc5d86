// Benchmark: model preparation in wasm in headless Chromium, on the very
// code the Prepare page runs: the plane cut with cap of a 1M-triangle
// torus (the native benchmark's mesh and plane; target ≤ 150 ms) and the
// full recipe — repair, trim along the proposed line, plate, engraved
// label with its Data Matrix — on a 256k-triangle arch (target ≤ 1 s); and
// the default recipe (repair, union, plate, label) on arches with gums as
// clinics send them: an open scan of 149k triangles and a plan exported as
// a gum shell and 14 teeth (target ≤ 1 s).
//
//   npm run bench:prepare TORUS_1M.stl ARCH.stl SCAN.stl PLAN.stl
//
// `cargo xtask bench prep` writes both files (target/bench-inputs/) and
// then runs this. It prints figures; it fails only when something did not
// work (a cut kept nothing, a prepared model is not closed), never because
// something was slow.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureInAppPage, median, reportProblems } from './page.mjs';

const RUNS = 5;
const WARMUPS = 1;
const FONT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../public/fonts/DejaVuSans-Bold.ttf');
// The native benchmark's plane (mesh-core/benches/prep.rs).
const PLANE = { origin: [0.3, -0.2, 0.1], normal: [0.1, 0.2, 1.0] };
// The full recipe: `Recipe::default()` (repair, a 3 mm plate, an
// engraved label with its Data Matrix) and the trim along the proposed line.
const RECIPE_NAME = 'repair, trim 1 mm, plate, engraved label + code';
const RECIPE = {
  repair: true,
  trim: { offset_mm: 1 },
  base: { cut_height_mm: 1, base_height_mm: 3, chamfer_mm: 0, plate: true },
  hollow: null,
  label: {
    relief: 'engrave',
    letter_height_mm: 3,
    depth_mm: 0.5,
    code: true,
    module_mm: 0.6,
    offset_mm: [0, 0],
    rotation_deg: 0,
  },
};

// The default recipe, as `Recipe::default()` gives it.
const DEFAULT_RECIPE = { ...RECIPE, trim: null };

/** Runs in the page: every run's milliseconds and the last result, per operation. */
async function measureInPage({ runs, warmups, plane, recipe, defaultRecipe }) {
  const bytesOf = async (url) => new Uint8Array(await (await fetch(url)).arrayBuffer());
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
  const torus = new MeshForBenchmark(await bytesOf('/__bench/torus.stl'));
  const arch = new MeshForBenchmark(await bytesOf('/__bench/arch.stl'));
  const scan = new MeshForBenchmark(await bytesOf('/__bench/scan.stl'));
  const plan = new MeshForBenchmark(await bytesOf('/__bench/plan.stl'));
  const font = await bytesOf('/__bench/font.ttf');
  const json = JSON.stringify(recipe);
  const plain = JSON.stringify(defaultRecipe);
  return {
    cut: time(() => torus.planeCut(plane.origin, plane.normal)),
    recipe: time(() => Array.from(arch.prepare(json, font))),
    scan: time(() => Array.from(scan.prepare(plain, font))),
    plan: time(() => Array.from(plan.prepare(plain, font))),
  };
}

async function main() {
  const [torusFile, archFile, scanFile, planFile] = process.argv.slice(2).map((file) => path.resolve(file));
  if (!torusFile || !archFile || !scanFile || !planFile) {
    throw new Error('usage: npm run bench:prepare TORUS_1M.stl ARCH.stl SCAN.stl PLAN.stl');
  }
  const inputs = {
    '/__bench/torus.stl': await readFile(torusFile),
    '/__bench/arch.stl': await readFile(archFile),
    '/__bench/scan.stl': await readFile(scanFile),
    '/__bench/plan.stl': await readFile(planFile),
    '/__bench/font.ttf': await readFile(FONT),
  };
  const { figures, problems } = await measureInAppPage(inputs, measureInPage, {
    runs: RUNS,
    warmups: WARMUPS,
    plane: PLANE,
    recipe: RECIPE,
    defaultRecipe: DEFAULT_RECIPE,
  });
  const torusTriangles = inputs['/__bench/torus.stl'].readUInt32LE(80);
  const archTriangles = inputs['/__bench/arch.stl'].readUInt32LE(80);
  const [prepared, closed] = figures.recipe.result;
  console.log(
    `browser plane cut + cap torus-${Math.round(torusTriangles / 1e3)}k: median ${median(figures.cut.ms).toFixed(1)} ms ` +
      `(target ≤ 150 ms) [${RUNS} runs after ${WARMUPS} warm-up], keeps ${figures.cut.result} triangles`,
  );
  console.log(
    `browser recipe (${RECIPE_NAME}) arch-${Math.round(archTriangles / 1e3)}k: ` +
      `median ${median(figures.recipe.ms).toFixed(1)} ms (target ≤ 1000 ms) [${RUNS} runs after ${WARMUPS} warm-up], ` +
      `gives ${prepared} triangles, closed=${closed === 1}`,
  );
  for (const [key, name] of [['scan', 'open scan with gum'], ['plan', 'plan of gum + 14 teeth']]) {
    const triangles = inputs[`/__bench/${key}.stl`].readUInt32LE(80);
    const [made, whole] = figures[key].result;
    console.log(
      `browser default recipe (repair, union, plate, label + code) ${name} ${Math.round(triangles / 1e3)}k: ` +
        `median ${median(figures[key].ms).toFixed(1)} ms (target ≤ 1000 ms) [${RUNS} runs after ${WARMUPS} warm-up], ` +
        `gives ${made} triangles, closed=${whole === 1}`,
    );
    if (whole !== 1) problems.push(`the prepared ${name} is not closed and manifold`);
  }
  if (!(figures.cut.result > 0)) problems.push('the plane cut kept nothing of the torus');
  if (closed !== 1) problems.push('the prepared arch is not closed and manifold');
  reportProblems(problems);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
