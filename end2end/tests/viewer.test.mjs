// The treatment viewer on the case page against the real server: a case
// whose arches are the corpus scans at stage 0 and copies moved by the
// test at stages 1–3 (stage 2's upper opened by removing faces; stage 3
// only for the upper arch), uploaded through the API; then the canvas is
// read back to check what the viewer draws as its controls are used.
//
// The tests run in order and build on each other: one clinic, one case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  callApi, corpus, fitsWidth, openPage, screenshot, serverAndBrowser, signIn, unexpected, waitForPath,
} from './support.mjs';
import {
  canvasPixels, scale, settled, shift, stageShown, transformedStl, twoModelPoints,
} from './viewer_support.mjs';

const OWNER = { clinic: 'Viewer Lab', email: 'owner@viewer.example', password: 'correct horse battery staple' };
const running = serverAndBrowser({ owner: OWNER });
/** What the tests learn as they go: the case page's address, its page and the file downloads seen. */
const made = { downloads: [] };
const LAST_STAGE = 3;

/** A request through the browser's cookies: the same session as the pages. */
const api = (page, method, path, options) => callApi(page, running.server.url, method, path, options);

test('a case with four stages is made through the API; its page shows both arches, and hiding or fading one changes the picture', async () => {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/login`);
  await signIn(page, OWNER);
  await waitForPath(page, '/cases');

  const detail = await api(page, 'POST', '/cases', {
    json: { patient: { full_name: 'Vera Viewer' }, title: 'Both arches', start_date: '2026-12-01' },
  });
  const upper = await readFile(corpus('public/dental/ref_upper_tag0.stl'));
  const lower = await readFile(corpus('public/dental/ref_lower_tag0.stl'));
  const files = {
    upper: [
      upper,
      transformedStl(upper, shift([3, 0, 0])),
      // Open: a band of faces removed leaves holes for "Show problems".
      transformedStl(upper, shift([4, 1, 0]), (i) => i % 97 !== 0),
      transformedStl(upper, shift([6, 1, 0])),
    ],
    lower: [lower, transformedStl(lower, shift([0, 0, 2])), transformedStl(lower, scale(1.04))],
  };
  for (const [arch, versions] of Object.entries(files)) {
    for (const [stage, bytes] of versions.entries()) {
      const name = `${arch === 'upper' ? 'U' : 'L'}0${stage}.stl`;
      await api(page, 'POST', `/cases/${detail.id}/stages/${arch}/${stage}/models?file_name=${name}`, { bytes });
    }
  }
  made.url = `${running.server.url}/cases/${detail.id}`;

  page.on('request', (request) => {
    if (/\/api\/v1\/files\/[^/]+\/content$/.test(new URL(request.url()).pathname)) made.downloads.push(request.url());
  });
  await page.goto(made.url);
  await page.getByTestId('treatment-viewer').waitFor();
  await stageShown(page, 0);
  assert.match(await page.getByTestId('stage-label').innerText(), /^Stage 0 of 3\s+starting position$/);
  const both = await canvasPixels(page);
  assert.ok(both.model > both.total * 0.03, `model-coloured pixels: ${both.model} of ${both.total}`);

  await page.getByTestId('show-upper').uncheck();
  await settled(page);
  const lowerOnly = await canvasPixels(page);
  assert.notEqual(lowerOnly.hash, both.hash, 'hiding the upper arch changes the picture');
  assert.ok(lowerOnly.model > lowerOnly.total * 0.01, 'the lower arch is still drawn');
  await page.getByTestId('show-upper').check();
  await settled(page);
  assert.equal((await canvasPixels(page)).hash, both.hash, 'showing it again gives the same picture');
  await page.getByTestId('opacity-upper').fill('0.3');
  await settled(page);
  assert.notEqual((await canvasPixels(page)).hash, both.hash, 'a see-through upper arch changes the picture');
  await page.getByTestId('opacity-upper').fill('1');
  await settled(page);
  assert.equal((await canvasPixels(page)).hash, both.hash, 'opaque again, the same picture');
  await screenshot(page, 'viewer-both-arches.png');
  made.page = page;
  made.problems = problems;
  made.stage0 = both.hash;
});

test('the arrow keys and the slider step through stages, and the picture changes with them', async () => {
  const page = made.page;
  await page.getByTestId('stage-slider').focus();
  await page.keyboard.press('ArrowRight');
  await stageShown(page, 1);
  assert.match(await page.getByTestId('stage-label').innerText(), /^Stage 1 of 3\s+worn from 1 Dec 2026$/);
  const stage1 = await canvasPixels(page);
  assert.notEqual(stage1.hash, made.stage0, 'stage 1 is drawn differently from stage 0');
  await page.keyboard.press('Home');
  await stageShown(page, 0);
  assert.equal((await canvasPixels(page)).hash, made.stage0, 'back at stage 0, the same picture as before');
  await page.keyboard.press('End');
  await stageShown(page, LAST_STAGE);
  const note = page.getByTestId('note-lower');
  assert.equal(await note.getAttribute('data-kind'), 'earlier');
  assert.equal(await note.innerText(), 'Lower: no model for stage 3; showing stage 2.');
  await page.keyboard.press('Home');
  await stageShown(page, 0);
});

test('play animates the whole treatment, and a replay after reloading downloads nothing', async () => {
  const page = made.page;
  const seen = new Set();
  /** Plays to the end, recording each picture drawn on the way. */
  const play = async (start) => {
    await start();
    const deadline = Date.now() + 90_000;
    while ((await page.getByTestId('play').getAttribute('aria-pressed')) === 'true') {
      assert.ok(Date.now() < deadline, 'playing reaches the end');
      await settled(page);
      seen.add((await canvasPixels(page)).hash);
    }
    await stageShown(page, LAST_STAGE);
  };
  await play(() => page.getByTestId('play').click());
  assert.ok(seen.size >= 2, `the canvas changed while playing (${seen.size} pictures)`);
  const downloaded = new Set(made.downloads);
  assert.equal(downloaded.size, 7, `every model file downloaded: ${[...downloaded].join(', ')}`);
  assert.equal(made.downloads.length, downloaded.size, 'and none twice');

  made.downloads.length = 0;
  await page.reload();
  await stageShown(page, 0);
  await play(async () => {
    await page.getByTestId('treatment-viewer').focus();
    await page.keyboard.press('Space');
  });
  assert.deepEqual(made.downloads, [], 'after a reload the models come from the cache');
  await screenshot(page, 'viewer-played.png');
});

test('measuring two points on the model shows their distance in mm; Escape clears it', async () => {
  const page = made.page;
  await page.getByTestId('treatment-viewer').focus();
  await page.keyboard.press('Home');
  await stageShown(page, 0);
  await page.getByTestId('view-front').click();
  await settled(page);
  await page.getByTestId('measure').click();
  const points = await twoModelPoints(page);
  assert.ok(points, 'two model pixels to click');
  const readout = page.getByTestId('measurement');
  await page.mouse.click(points[0].x, points[0].y);
  await page.locator('[data-testid=measurement]', { hasText: 'second point' }).waitFor();
  await page.mouse.click(points[1].x, points[1].y);
  await page.locator('.measure-readout.done').waitFor();
  const text = await readout.innerText();
  const match = text.match(/^(\d+\.\d{2}) mm/);
  assert.ok(match, `a distance with two decimals: ${text}`);
  const mm = Number(match[1]);
  assert.ok(mm > 5 && mm < 70, `two points across an arch 62 mm wide are ${mm} mm apart`);
  await settled(page);
  await screenshot(page, 'viewer-measure.png');
  await page.keyboard.press('Escape');
  await page.locator('[data-testid=measurement]', { hasText: 'tap or click a point' }).waitFor();
  await page.keyboard.press('Escape');
  await readout.waitFor({ state: 'detached' });
});

test('the difference map colours the later stage by its distance to the earlier, with a legend in mm', async () => {
  const page = made.page;
  await page.getByTestId('view-reset').click();
  await settled(page);
  const plain = await canvasPixels(page);
  await page.getByTestId('difference-a').selectOption('0');
  await page.getByTestId('difference-b').selectOption('1');
  await page.getByTestId('show-difference').click();
  const legend = page.getByTestId('difference-legend');
  await legend.waitFor({ timeout: 60_000 });
  assert.equal(await page.getByTestId('note-comparing').innerText(), 'Stage 1 coloured by its distance to stage 0.');
  const max = Number(await legend.getAttribute('data-max'));
  assert.ok(max > 1 && max <= 3.01, `stage 1 moved 3 mm (upper) and 2 mm (lower): largest distance ${max} mm`);
  assert.match(await legend.innerText(), new RegExp(`0 mm\\s+${max.toFixed(2)} mm`));
  await settled(page);
  const coloured = await canvasPixels(page);
  assert.ok(coloured.ramp > coloured.total * 0.01, `ramp-coloured pixels: ${coloured.ramp}`);
  assert.ok(plain.ramp < coloured.ramp / 10, 'the plain models have no ramp colours');
  await screenshot(page, 'viewer-difference.png');
  await page.getByTestId('show-difference').click();
  await legend.waitFor({ state: 'detached' });
  await settled(page);
  assert.ok((await canvasPixels(page)).ramp < coloured.ramp / 10, 'back to plain colours');
});

test('"Show problems" draws the open edges of an open model, and nothing on a closed one', async () => {
  const page = made.page;
  await page.getByTestId('treatment-viewer').focus();
  await page.keyboard.press('Home');
  await stageShown(page, 0);
  await page.getByTestId('show-problems').check();
  await page.getByTestId('problems-summary').waitFor();
  assert.equal(await page.getByTestId('problems-summary').innerText(), 'No open or non-manifold edges.');
  await settled(page);
  assert.equal((await canvasPixels(page)).highlight, 0, 'a closed model has nothing to highlight');

  await page.getByTestId('treatment-viewer').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await stageShown(page, 2);
  await page.locator('[data-testid=problems-summary]', { hasText: 'Upper:' }).waitFor();
  assert.match(await page.getByTestId('problems-summary').innerText(), /Upper: [1-9]\d* problem edges/);
  await settled(page);
  const open = await canvasPixels(page);
  assert.ok(open.highlight > 50, `highlight pixels: ${open.highlight}`);
  await screenshot(page, 'viewer-problems.png');
  await page.getByTestId('show-problems').uncheck();
  await settled(page);
  assert.equal((await canvasPixels(page)).highlight, 0);
});

test('the standard views change the picture; the page fits a tablet and a phone', async () => {
  const page = made.page;
  const before = await canvasPixels(page);
  await page.getByTestId('view-occlusal-lower').click();
  await settled(page);
  assert.equal(await page.getByTestId('show-upper').isChecked(), false, 'the occlusal view shows its arch alone');
  const occlusal = await canvasPixels(page);
  assert.notEqual(occlusal.hash, before.hash);
  assert.ok(occlusal.model > occlusal.total * 0.02);
  await screenshot(page, 'viewer-occlusal-lower.png');
  await page.getByTestId('view-reset').click();
  for (const [width, name] of [[768, 'tablet'], [390, 'phone']]) {
    await page.setViewportSize({ width, height: 900 });
    await settled(page);
    assert.ok(await fitsWidth(page), `no sideways scrolling at ${width} px`);
    const play = await page.getByTestId('play').boundingBox();
    assert.ok(play.height >= 44 && play.width >= 44, `the play button is big enough to tap at ${width} px`);
    await screenshot(page, `viewer-${name}-page.png`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.deepEqual(made.problems, []);
  await page.close();
});

test('a model file that is gone or unreadable is named with the reason, and the rest still shows', async () => {
  const { page, problems } = await openPage(running.browser.context, made.url);
  await page.getByTestId('treatment-viewer').waitFor();
  // Downloaded afresh (the cache emptied), one answered 404 and one with bytes that are no mesh.
  await page.evaluate(() => caches.delete('trayforge-models-v1'));
  const detail = await api(page, 'GET', `/cases/${made.url.split('/').pop()}`);
  const upper = (index) => detail.stages.find((s) => s.arch === 'upper' && s.index === index).models[0];
  await page.route(`**${upper(2).download_url}`, (route) => route.fulfill({
    status: 404, contentType: 'application/json',
    body: JSON.stringify({ error: { code: 'not_found', message: 'no such file' } }),
  }));
  await page.route(`**${upper(3).download_url}`, (route) => route.fulfill({ status: 200, body: 'this is not a mesh' }));
  await page.reload();
  await stageShown(page, 0);
  await page.getByTestId('treatment-viewer').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const gone = page.locator('[data-testid=note-upper][data-kind=failed]');
  await gone.waitFor({ timeout: 30_000 });
  assert.match(await gone.innerText(), /^U02\.stl could not be downloaded: no such file\.\s*Try again$/);
  await page.locator('.stage-dots li:nth-child(3)[data-state=failed]').waitFor();
  await page.keyboard.press('End');
  await page.locator('[data-testid=note-upper][data-kind=failed]', { hasText: 'U03.stl could not be read' }).waitFor();
  await settled(page);
  const pixels = await canvasPixels(page);
  assert.ok(pixels.model > pixels.total * 0.01, 'the lower arch still shows');
  await screenshot(page, 'viewer-file-errors.png');
  // Once the file is back, "Try again" loads it.
  await page.unrouteAll();
  await page.locator('[data-testid=note-upper] [data-testid=retry]').click();
  await stageShown(page, LAST_STAGE);
  assert.equal(await page.locator('[data-testid=note-upper]').count(), 0, 'the upper model of stage 3 shows');
  assert.deepEqual(unexpected(problems, 404), []);
  await page.close();
});
