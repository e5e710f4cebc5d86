// Benchmark: the client's mesh reader (mesh-core compiled to wasm32) against
// three.js's STLLoader, on the same bytes, in the same headless Chromium page.
//
//   npm run bench:mesh [FILE.stl ...]
//
// With no file it reads the 400k-triangle torus that
// `make_synthetic.py --large` writes (generated once into bench/inputs/)
// and the real upper dental arch of the corpus. It prints figures and two
// ratios; it fails only when something did not work (a count is wrong, the
// page threw), never because something was slow.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { corpus, launchBrowser, openPage, startServer } from '../tests/support.mjs';

const RUNS = 7;
const WELD_RUNS = 3; // three.js's mergeVertices takes about a second per run
const WARMUPS = 2;

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const threeDir = path.resolve(benchDir, '../node_modules/three');
const inputsDir = path.join(benchDir, 'inputs');

// Only the benchmark's page sees these: Playwright answers them, the server never does.
const INPUT_URL = '/__bench/input.stl';
const THREE_PREFIX = '/__bench/three/';
// `three.module.js` imports `./three.core.js`, and the addons import the bare
// name `three`: the whole package is served under one prefix and an import
// map, put into the app's page before its own scripts, names `three`.
const IMPORT_MAP = `<script type="importmap">${JSON.stringify({
  imports: { three: `${THREE_PREFIX}build/three.module.js` },
})}</script>`;

/** The files to read: the arguments, or the generated torus and the real dental arch. */
function inputFiles() {
  const given = process.argv.slice(2);
  if (given.length > 0) return given.map((file) => path.resolve(file));
  const torus = path.join(inputsDir, 'torus_400k_binary.stl');
  if (!existsSync(torus)) {
    console.log(`generating ${torus} with make_synthetic.py --large`);
    execFileSync('python3', [corpus('make_synthetic.py'), '--large', inputsDir], { stdio: 'inherit' });
  }
  return [torus, corpus('public/dental/ref_upper_tag0.stl')];
}

/** The triangle count a binary STL declares, or null for an ASCII STL (size not 84 + 50 × count). */
function declaredBinaryTriangles(bytes) {
  if (bytes.length < 84) return null;
  const count = bytes.readUInt32LE(80);
  return bytes.length === 84 + 50 * count ? count : null;
}

/** Serves the input, three.js and the app page with the import map; nothing else is touched. */
async function routeBenchmarkPage(context, origin, input) {
  await context.route((url) => url.origin === origin && url.pathname === INPUT_URL, (route) =>
    route.fulfill({ status: 200, contentType: 'application/octet-stream', body: input }),
  );
  await context.route((url) => url.origin === origin && url.pathname.startsWith(THREE_PREFIX), async (route) => {
    const relative = decodeURIComponent(new URL(route.request().url()).pathname.slice(THREE_PREFIX.length));
    const file = path.resolve(threeDir, relative);
    if (!file.startsWith(threeDir + path.sep) || !existsSync(file)) {
      await route.fulfill({ status: 404, body: `not in node_modules/three: ${relative}` });
      return;
    }
    await route.fulfill({ status: 200, contentType: 'text/javascript', body: await readFile(file) });
  });
  await context.route((url) => url.origin === origin && url.pathname === '/', async (route) => {
    const response = await route.fetch();
    const html = await response.text();
    if (!html.includes('<head>')) throw new Error('the app page has no <head> to put the import map in');
    await route.fulfill({ response, body: html.replace('<head>', `<head>${IMPORT_MAP}`) });
  });
}

/**
 * Runs in the page: times each reader on the same ArrayBuffer and returns,
 * per case, every run's milliseconds and the counts that case produced.
 */
async function measureInPage({ inputUrl, threePrefix, runs, weldRuns, warmups }) {
  const THREE = await import('three');
  const { STLLoader } = await import(`${threePrefix}examples/jsm/loaders/STLLoader.js`);
  const { mergeVertices } = await import(`${threePrefix}examples/jsm/utils/BufferGeometryUtils.js`);
  const buffer = await (await fetch(inputUrl)).arrayBuffer();
  const bytes = new Uint8Array(buffer);

  const time = (count, work) => {
    const all = [];
    let counts;
    for (let i = 0; i < warmups + count; i += 1) {
      const start = performance.now();
      counts = work();
      all.push(performance.now() - start);
    }
    return { ms: all.slice(warmups), first: all[0], counts };
  };

  const ours = time(runs, () => {
    const [triangles, vertices] = window.wasmBindings.readMeshForBenchmark(bytes);
    return { triangles, vertices };
  });
  const threeParse = time(runs, () => {
    const geometry = new STLLoader().parse(buffer);
    const corners = geometry.getAttribute('position').count;
    return { triangles: corners / 3, vertices: corners };
  });
  const threeWeld = time(weldRuns, () => {
    const geometry = new STLLoader().parse(buffer);
    // Weld on position alone, as ours does: per-face normals (and colours)
    // would keep every corner apart.
    for (const name of Object.keys(geometry.attributes)) {
      if (name !== 'position') geometry.deleteAttribute(name);
    }
    const welded = mergeVertices(geometry);
    return { triangles: welded.getIndex().count / 3, vertices: welded.getAttribute('position').count };
  });
  return { threeRevision: THREE.REVISION, bytes: bytes.length, ours, threeParse, threeWeld };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function describe(label, name, result, megabytes) {
  const ms = median(result.ms);
  const { triangles, vertices } = result.counts;
  console.log(
    `browser ${label} ${name}: median ${ms.toFixed(1)} ms (${(megabytes / (ms / 1000)).toFixed(0)} MB/s)` +
      ` — ${triangles} triangles, ${vertices} vertices` +
      ` [${result.ms.length} runs after ${WARMUPS} warm-ups, first call ${result.first.toFixed(1)} ms]`,
  );
  return ms;
}

/** Benchmarks one file; returns what went wrong (empty when all is well). */
async function benchmarkFile(context, origin, file) {
  const input = await readFile(file);
  const declared = declaredBinaryTriangles(input);
  const megabytes = input.length / 1e6;
  const label = `${declared === null ? 'ascii' : 'binary'}-${Math.round(megabytes)}MB`;
  console.log(`\n${path.basename(file)}: ${input.length} bytes${declared === null ? '' : `, ${declared} triangles declared`}`);

  await routeBenchmarkPage(context, origin, input);
  const { page, problems } = await openPage(context, `${origin}/`);
  try {
    await page.waitForFunction(() => typeof window.wasmBindings?.readMeshForBenchmark === 'function', null, {
      timeout: 30_000,
    });
    const result = await page.evaluate(measureInPage, {
      inputUrl: INPUT_URL,
      threePrefix: THREE_PREFIX,
      runs: RUNS,
      weldRuns: WELD_RUNS,
      warmups: WARMUPS,
    });
    if (result.bytes !== input.length) problems.push(`the page received ${result.bytes} bytes of ${input.length}`);

    const oursMs = describe(label, 'ours', result.ours, megabytes);
    const parseMs = describe(label, `three.js r${result.threeRevision} parse (no weld)`, result.threeParse, megabytes);
    const weldMs = describe(label, `three.js r${result.threeRevision} parse+mergeVertices`, result.threeWeld, megabytes);

    const triangles = {
      ours: result.ours.counts.triangles,
      'three.js parse': result.threeParse.counts.triangles,
      'three.js weld': result.threeWeld.counts.triangles,
    };
    const expected = declared ?? triangles['three.js parse'];
    for (const [who, count] of Object.entries(triangles)) {
      if (count !== expected) problems.push(`${who} read ${count} triangles, expected ${expected}`);
    }
    const { vertices } = result.ours.counts;
    if (!(vertices >= 3 && vertices <= 3 * expected)) problems.push(`ours welded to ${vertices} vertices`);
    const theirs = result.threeWeld.counts.vertices;
    if (vertices !== theirs) {
      // mergeVertices rounds positions to 1e-4 before comparing; ours welds equal bits.
      console.log(`note: ours has ${vertices} vertices, three.js mergeVertices ${theirs} (it merges within 1e-4)`);
    }
    console.log(`browser ${label} ratio_vs_three_weld=${(weldMs / oursMs).toFixed(1)} (three.js weld ms / ours ms; target >= 50)`);
    console.log(`browser ${label} ratio_vs_three_parse=${(oursMs / parseMs).toFixed(2)} (ours ms / three.js parse ms; target <= 2)`);
    return problems.map((problem) => `${path.basename(file)}: ${problem}`);
  } finally {
    await page.close();
    await context.unrouteAll({ behavior: 'ignoreErrors' });
  }
}

async function main() {
  if (!existsSync(path.join(threeDir, 'build/three.module.js'))) {
    throw new Error(`three.js is missing from ${threeDir}; run \`npm ci\` in end2end/`);
  }
  const files = inputFiles();
  for (const file of files) await stat(file); // a missing file fails before anything starts
  const server = await startServer();
  let browser;
  const failures = [];
  try {
    browser = await launchBrowser();
    const origin = new URL(server.url).origin;
    for (const file of files) failures.push(...(await benchmarkFile(browser.context, origin, file)));
  } finally {
    await browser?.close();
    await server.stop();
  }
  if (failures.length > 0) {
    console.error(`\nFAILED:\n${failures.map((failure) => `  ${failure}`).join('\n')}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
