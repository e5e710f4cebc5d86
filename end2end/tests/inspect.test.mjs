// The Inspect page: a model read in the browser by mesh-core (wasm32) and
// drawn by the three-d viewer, and clear messages for bad files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { canvasPixelStats, corpus, openPage, screenshot, serverAndBrowser } from './support.mjs';

const running = serverAndBrowser();
/** The Inspect page: open to everyone, signed in or not. */
const inspectUrl = () => `${running.server.url}/inspect`;

async function showsModel(page, triangles) {
  await page.locator(`[data-testid=triangle-count][data-count="${triangles}"]`).waitFor({ timeout: 30_000 });
  await page.waitForFunction(
    () => Number(document.querySelector('[data-testid=viewer]')?.getAttribute('data-frames')) >= 1,
    null,
    { timeout: 30_000 },
  );
}

test('the page loads with no console errors', async () => {
  const { page, problems } = await openPage(running.browser.context, inspectUrl());
  await page.locator('[data-testid=drop-zone]').waitFor();
  assert.match(await page.title(), /Trayforge/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('picking a dental arch shows the model, its triangle count and size', async () => {
  const { page, problems } = await openPage(running.browser.context, inspectUrl());
  await page.setInputFiles('[data-testid=file-input]', corpus('public/dental/ref_lower_tag0.stl'));
  await showsModel(page, 83262);

  const pixels = await canvasPixelStats(page);
  assert.ok(pixels.model > pixels.total * 0.02, `model-coloured pixels: ${pixels.model} of ${pixels.total}`);
  assert.match(await page.locator('[data-testid=bounds]').innerText(), /62\.1 × 11\.7 × 44\.8 mm/);
  await screenshot(page, 'inspect-dental-arch.png');
  assert.deepEqual(problems, []);
  await page.close();
});

test('dropping an ASCII STL with upper-case keywords shows it', async () => {
  const { page, problems } = await openPage(running.browser.context, inspectUrl());
  const bytes = [...(await readFile(corpus('synthetic/ascii_uppercase.stl')))];
  await page.evaluate((bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], 'ascii_uppercase.stl'));
    const zone = document.querySelector('[data-testid=drop-zone]');
    for (const type of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
    }
  }, bytes);
  await showsModel(page, 12);
  const pixels = await canvasPixelStats(page);
  assert.ok(pixels.model > pixels.total * 0.02, `model-coloured pixels: ${pixels.model} of ${pixels.total}`);
  assert.deepEqual(problems, []);
  await page.close();
});

test('an open model is reported as not closed, naming its hole', async () => {
  const { page, problems } = await openPage(running.browser.context, inspectUrl());
  await page.setInputFiles('[data-testid=file-input]', corpus('synthetic/open_cube_missing_face.stl'));
  await showsModel(page, 10);
  assert.equal(await page.locator('[data-testid=watertight]').innerText(), 'no (1 hole)');
  await page.setInputFiles('[data-testid=file-input]', corpus('synthetic/cube_binary.stl'));
  await page.locator('[data-testid=triangle-count][data-count="12"]').waitFor();
  assert.equal(await page.locator('[data-testid=watertight]').innerText(), 'yes');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a file with two solids lists both bodies by name', async () => {
  const { page, problems } = await openPage(running.browser.context, inspectUrl());
  await page.setInputFiles('[data-testid=file-input]', corpus('synthetic/ascii_two_solids.stl'));
  await showsModel(page, 24);
  const bodies = page.locator('[data-testid=bodies]');
  assert.equal(await bodies.getAttribute('data-count'), '2');
  assert.equal(await bodies.innerText(), 'upper (12 faces), lower (12 faces)');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a PLY scan is read in the browser like an STL', async () => {
  const { page, problems } = await openPage(running.browser.context, inspectUrl());
  // A closed tetrahedron as ASCII PLY, the way intraoral scanners export it.
  const ply = [
    'ply', 'format ascii 1.0', 'comment exported by a scanner', 'element vertex 4',
    'property float x', 'property float y', 'property float z',
    'element face 4', 'property list uchar int vertex_indices', 'end_header',
    '0 0 0', '10 0 0', '0 10 0', '0 0 10',
    '3 0 2 1', '3 0 1 3', '3 1 2 3', '3 0 3 2', '',
  ].join('\n');
  await page.setInputFiles('[data-testid=file-input]', {
    name: 'K7Q-4M2_U07.ply', mimeType: 'application/octet-stream', buffer: Buffer.from(ply),
  });
  await showsModel(page, 4);
  assert.equal(await page.locator('[data-testid=file-guess]').innerText(), 'upper arch, stage 7');
  assert.equal(await page.locator('[data-testid=watertight]').innerText(), 'yes');
  assert.match(await page.locator('.mesh-facts').innerText(), /PLY/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('an open model is repaired in the browser and downloaded closed', async () => {
  const { page, problems } = await openPage(running.browser.context, inspectUrl());
  await page.setInputFiles('[data-testid=file-input]', corpus('synthetic/open_cube_missing_face.stl'));
  await showsModel(page, 10);
  await page.locator('[data-testid=repair]').click();
  const report = page.locator('[data-testid=repair-report]');
  await report.waitFor();
  assert.match(await report.innerText(), /Filled 1 hole\./);
  await page.locator('[data-testid=triangle-count][data-count="12"]').waitFor();
  assert.equal(await page.locator('[data-testid=watertight]').innerText(), 'yes');

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=download]').click()]);
  assert.equal(download.suggestedFilename(), 'open_cube_missing_face-repaired.stl');
  const saved = await readFile(await download.path());
  assert.equal(saved.length, 84 + 50 * 12, 'a binary STL of the 12 triangles');
  await screenshot(page, 'inspect-repaired.png');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a valid model says there is nothing to repair', async () => {
  const { page, problems } = await openPage(running.browser.context, inspectUrl());
  await page.setInputFiles('[data-testid=file-input]', corpus('synthetic/cube_binary.stl'));
  await showsModel(page, 12);
  await page.locator('[data-testid=nothing-to-repair]').waitFor();
  assert.equal(await page.locator('[data-testid=repair]').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

test('fourteen loose crowns are not ready to print: Inspect says so and what Prepare does about it', async () => {
  const { page, problems } = await openPage(running.browser.context, inspectUrl());
  await page.setInputFiles('[data-testid=file-input]', corpus('public/dental/ref_lower_tag0.stl'));
  const verdict = page.locator('[data-testid=not-ready]');
  await verdict.waitFor({ timeout: 60_000 });
  assert.match(await verdict.innerText(), /14 separate pieces — Prepare unites the overlapping ones and stands the rest on one plate/);
  assert.match(await page.locator('[data-testid=nothing-to-repair]').innerText(), /Prepare makes the model printable/);
  assert.equal(await page.getByText('the model is ready to print').count(), 0);
  assert.deepEqual(problems, []);
  await page.close();
});

/** Picks a corpus file that must be refused; returns the page and the error's text. */
async function refused(file) {
  const opened = await openPage(running.browser.context, inspectUrl());
  await opened.page.setInputFiles('[data-testid=file-input]', corpus(file));
  const error = opened.page.locator('[data-testid=read-error]');
  await error.waitFor();
  return { ...opened, text: await error.innerText() };
}

test('a truncated file shows a readable error, not a blank page', async () => {
  const { page, problems, text } = await refused('synthetic/binary_truncated.stl');
  assert.match(text, /declares 12 triangles but holds 7/);
  assert.match(text, /truncated/);
  assert.ok(await page.locator('[data-testid=drop-zone]').isVisible());
  await screenshot(page, 'inspect-error.png');
  assert.deepEqual(problems, []);
  await page.close();
});

test('a file that is not an STL is refused with a message', async () => {
  const { page, problems, text } = await refused('synthetic/not_an_stl.stl');
  assert.match(text, /not an STL file \(it is a PDF document\)/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('an unknown address shows the not-found page inside the app', async () => {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/no/such/page`);
  await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});
