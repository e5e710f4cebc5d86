// Benchmark: the client as a clinic feels it, in headless Chromium with
// software WebGL against the real server.
//
//   npm run bench:app            (or `cargo xtask bench app`)
//
// (a) From dropping a 22 MB binary STL on the Inspect page to the viewer's
//     first frame with the model (`data-frames` on the canvas): median of
//     several runs (target ≤ 1000 ms).
// (b) A 30-file plan imported on the import page (read and hashed in the
//     mesh worker, uploaded one at a time), watched by a
//     `PerformanceObserver({type: 'longtask'})`: the longest main-thread
//     task and how many took over 100 ms (target: none).
// (c) The size of the client's wasm files, raw and gzip (target for the
//     page's: ≤ 1.5 MB gzip).
//
// It prints figures; it fails only when something did not work, never
// because something was slow.
import { copyFile, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { corpus, launchBrowser, openPage, startServer } from '../tests/support.mjs';

const RUNS = 5;
const TRIANGLES = 440_000; // 84 + 50 × 440 000 bytes = 22.0 MB
const PLAN_FILES = 30;
const OWNER = { clinic: 'Bench Lab', email: 'bench@bench.example', password: 'correct horse battery staple' };

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const inputsDir = process.env.TRAYFORGE_BENCH_INPUTS ?? path.resolve(benchDir, '../../target/bench-inputs');
const INPUT_URL = '/__bench/large.stl';

/** A finely tessellated torus as binary STL with exactly `TRIANGLES` triangles, made once. */
async function largeStl() {
  const file = path.join(inputsDir, 'torus_440k_binary.stl');
  if (existsSync(file)) return file;
  await mkdir(inputsDir, { recursive: true });
  const [around, along] = [550, TRIANGLES / 2 / 550];
  const bytes = Buffer.alloc(84 + 50 * TRIANGLES);
  bytes.write('trayforge bench torus', 0);
  bytes.writeUInt32LE(TRIANGLES, 80);
  const point = (i, j) => {
    const u = (2 * Math.PI * (i % around)) / around;
    const v = (2 * Math.PI * (j % along)) / along;
    return [(30 + 8 * Math.cos(v)) * Math.cos(u), (30 + 8 * Math.cos(v)) * Math.sin(u), 8 * Math.sin(v)];
  };
  let offset = 84;
  const triangle = (a, b, c) => {
    offset += 12; // normal left zero: readers compute their own
    for (const p of [a, b, c]) for (const x of p) { bytes.writeFloatLE(x, offset); offset += 4; }
    offset += 2;
  };
  for (let i = 0; i < around; i += 1) {
    for (let j = 0; j < along; j += 1) {
      const [a, b, c, d] = [point(i, j), point(i + 1, j), point(i + 1, j + 1), point(i, j + 1)];
      triangle(a, b, c);
      triangle(a, c, d);
    }
  }
  await writeFile(file, bytes);
  return file;
}

/** 30 copies of the corpus arches named as a plan exports them. */
async function planFolder() {
  const dir = path.join(inputsDir, 'plan-30');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (let stage = 0; stage < PLAN_FILES / 2; stage += 1) {
    const n = String(stage).padStart(2, '0');
    await copyFile(corpus('public/dental/ref_upper_tag0.stl'), path.join(dir, `Upper_Step_${n}.stl`));
    await copyFile(corpus('public/dental/ref_lower_tag0.stl'), path.join(dir, `Lower_Step_${n}.stl`));
  }
  return dir;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function inspectToFirstFrame(context, url, file) {
  const bytes = await readFile(file);
  await context.route((u) => u.pathname === INPUT_URL, (route) =>
    route.fulfill({ status: 200, contentType: 'application/octet-stream', body: bytes }));
  const times = [];
  for (let run = 0; run < RUNS + 1; run += 1) {
    const { page, problems } = await openPage(context, `${url}/inspect`);
    await page.getByTestId('drop-zone').waitFor();
    const ms = await page.evaluate(async (inputUrl) => {
      const blob = await (await fetch(inputUrl)).blob();
      const file = new File([blob], 'torus.stl', { type: 'model/stl' });
      const transfer = new DataTransfer();
      transfer.items.add(file);
      const canvas = document.querySelector('[data-testid=viewer]');
      const start = performance.now();
      document.querySelector('[data-testid=drop-zone]')
        .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      while (Number(canvas.dataset.frames ?? 0) === 0) {
        if (performance.now() - start > 60_000) throw new Error('no frame within 60 s');
        await new Promise(requestAnimationFrame);
      }
      return performance.now() - start;
    }, INPUT_URL);
    if (problems.length > 0) throw new Error(`the Inspect page reported:\n${problems.join('\n')}`);
    await page.close();
    if (run > 0) times.push(ms); // the first run warms the browser's caches
  }
  return times;
}

async function importPlan(context, url, dir) {
  const { page, problems } = await openPage(context, `${url}/login`);
  const login = await page.request.post(`${url}/api/v1/auth/login`, { data: { email: OWNER.email, password: OWNER.password } });
  if (!login.ok()) throw new Error(`sign-in failed: ${login.status()}`);
  const { csrf_token: csrf } = await login.json();
  const created = await page.request.post(`${url}/api/v1/cases`, { data: { title: 'Bench plan' }, headers: { 'X-CSRF-Token': csrf } });
  if (!created.ok()) throw new Error(`creating a case failed: ${created.status()}`);
  const { id } = await created.json();
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(`${url}/cases/${id}/import`);
  await page.getByTestId('plan-drop').waitFor();
  // From here on: what the import does, not what loading the app did.
  await page.evaluate(() => { window.longTasks = []; });
  const start = Date.now();
  await page.getByTestId('folder-input').setInputFiles(dir);
  await page.waitForFunction((n) => {
    const rows = [...document.querySelectorAll('[data-testid=import-row]')];
    return rows.length === n && rows.every((row) => row.dataset.verdict === 'send');
  }, PLAN_FILES, { timeout: 300_000 });
  const read = Date.now() - start;
  await page.getByTestId('confirm-import').click();
  await page.getByTestId('import-done').waitFor({ timeout: 600_000 });
  const total = Date.now() - start;
  const line = await page.getByTestId('progress-line').innerText();
  const longTasks = await page.evaluate(() => window.longTasks);
  if (problems.length > 0) throw new Error(`the import page reported:\n${problems.join('\n')}`);
  await page.close();
  return { read, total, line, longTasks };
}

async function wasmSizes(dist) {
  const files = (await readdir(dist)).filter((name) => name.endsWith('.wasm'));
  const sizes = [];
  for (const name of files) {
    const bytes = await readFile(path.join(dist, name));
    sizes.push({ name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
  }
  return sizes;
}

const mb = (bytes) => `${(bytes / 1_000_000).toFixed(2)} MB`;

const server = await startServer({ owner: OWNER });
const browser = await launchBrowser();
try {
  const large = await largeStl();
  const size = (await stat(large)).size;
  const times = await inspectToFirstFrame(browser.context, server.url, large);
  console.log(`inspect: ${mb(size)} binary STL (${TRIANGLES} triangles), drop → first frame: median ${median(times).toFixed(0)} ms `
    + `over ${times.length} runs (${times.map((t) => t.toFixed(0)).join(', ')}); target ≤ 1000 ms`);

  const plan = await importPlan(browser.context, server.url, await planFolder());
  const over = plan.longTasks.filter((ms) => ms > 100).length;
  const longest = Math.max(0, ...plan.longTasks);
  console.log(`import: ${PLAN_FILES} files read and hashed in ${plan.read} ms, uploaded by ${plan.total} ms (${plan.line})`);
  console.log(`import: main-thread long tasks: ${plan.longTasks.length}, longest ${longest.toFixed(0)} ms, over 100 ms: ${over}; target: none over 100 ms`);

  for (const { name, raw, gzip } of await wasmSizes(process.env.TRAYFORGE_DIST)) {
    console.log(`wasm: ${name}: ${mb(raw)} raw, ${mb(gzip)} gzip${name.startsWith('trayforge-app') ? '; target ≤ 1.5 MB gzip' : ''}`);
  }
} finally {
  await browser.close();
  await server.stop();
}
