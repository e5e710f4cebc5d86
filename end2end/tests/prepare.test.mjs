// The Prepare page against the real server, as a technician uses it: a
// case with the corpus's real upper and lower arches at stages 0 and 1
// (stage 1 moved copies), made through the API by the owner; the
// technician previews a recipe on one stage, sees a recipe that cannot
// work refused by its step with nothing saved, prepares all four models
// in the browser's mesh worker, downloads the case as a zip, and saves the
// clinic's default; a clinician sees the default but cannot save it.
//
// The tests run in order and build on each other: one clinic, one case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import {
  callApi, corpus, fitsWidth, launchBrowser, openPage, screenshot, serverAndBrowser, signIn, unexpected, waitForPath,
} from './support.mjs';
import { canvasPixels, modelPoints, settled, shift, transformedStl } from './viewer_support.mjs';

const OWNER = { clinic: 'Prepare Lab', email: 'owner@prepare.example', password: 'correct horse battery staple' };
const TECHNICIAN = { email: 'tess@prepare.example', password: 'technician password 1' };
const CLINICIAN = { email: 'cleo@prepare.example', password: 'clinician password 1' };
const running = serverAndBrowser({ owner: OWNER });
/** What the tests learn as they go. */
const made = { browsers: [] };
const STAGES = ['upper:0', 'upper:1', 'lower:0', 'lower:1'];
/** Models' preparation runs in SwiftShader's machine: allow a real arch a while. */
const PREPARE_TIMEOUT = 240_000;

const api = (page, method, path, options) => callApi(page, running.server.url, method, path, options);

/** The case's model versions by stage key (`upper:0`), oldest first. */
async function versions(page) {
  const detail = await api(page, 'GET', `/cases/${made.caseId}`);
  return Object.fromEntries(detail.stages.map((stage) => [`${stage.arch}:${stage.index}`, stage.models]));
}

/** Signs `who` in, in a browser of their own, and opens the case's Prepare page from the case page. */
async function openPrepare(who) {
  const browser = await launchBrowser();
  made.browsers.push(browser);
  const { page, problems } = await openPage(browser.context, `${running.server.url}/login`);
  await signIn(page, who);
  await waitForPath(page, '/cases');
  await page.goto(`${running.server.url}/cases/${made.caseId}`);
  await page.getByTestId('prepare-models').click();
  await waitForPath(page, `/cases/${made.caseId}/prepare`);
  await page.getByTestId('prepare-page').waitFor();
  return { page, problems };
}

/** Sets a number of the recipe form. */
async function setNumber(page, id, value) {
  await page.getByTestId(id).fill(String(value));
}

/** The standard recipe: repair, a 3 mm plate, the engraved label with its code. */
async function workingRecipe(page) {
  await page.getByTestId('recipe-label').check();
  await setNumber(page, 'recipe-letter-height', 3);
  await setNumber(page, 'recipe-depth', 0.5);
  await page.getByTestId('recipe-code').check();
}

/** Presses "Prepare all N models" and waits until that batch (not an earlier one) has finished. */
async function prepareAll(page) {
  const progress = page.getByTestId('prepare-progress');
  const last = (await progress.count()) ? Number(await progress.getAttribute('data-run')) : 0;
  await page.getByTestId('prepare-all').click();
  await page.locator(`[data-testid=prepare-progress][data-run="${last + 1}"]`).waitFor();
  return page.locator(`[data-testid=prepare-progress][data-run="${last + 1}"][data-finished=true]`);
}

/** The entries of a zip: name and uncompressed bytes, from its central directory. */
function zipEntries(bytes) {
  let end = bytes.length - 22;
  while (end >= 0 && bytes.readUInt32LE(end) !== 0x06054b50) end -= 1;
  assert.ok(end >= 0, 'the download is a zip (it has an end of central directory)');
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const entries = [];
  for (let i = 0; i < count; i += 1) {
    assert.equal(bytes.readUInt32LE(at), 0x02014b50, 'a central directory entry');
    const method = bytes.readUInt16LE(at + 10);
    const size = bytes.readUInt32LE(at + 20);
    const [nameLength, extraLength, commentLength] = [28, 30, 32].map((offset) => bytes.readUInt16LE(at + offset));
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const stored = bytes.subarray(start, start + size);
    entries.push({ name, bytes: method === 8 ? inflateRawSync(stored) : stored });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

test('the owner makes a case with both real arches at stages 0 and 1, a technician and a clinician', async () => {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/login`);
  await signIn(page, OWNER);
  await waitForPath(page, '/cases');
  const detail = await api(page, 'POST', '/cases', {
    json: { patient: { full_name: 'Petra Prepare' }, title: 'Prepare both arches', start_date: '2026-12-01' },
  });
  made.caseId = detail.id;
  made.code = detail.patient.code;
  const upper = await readFile(corpus('public/dental/ref_upper_tag0.stl'));
  const lower = await readFile(corpus('public/dental/ref_lower_tag0.stl'));
  const files = { upper: [upper, transformedStl(upper, shift([1, 0, 0]))], lower: [lower, transformedStl(lower, shift([0, 0, 1]))] };
  for (const [arch, stages] of Object.entries(files)) {
    for (const [stage, bytes] of stages.entries()) {
      const name = `${arch === 'upper' ? 'U' : 'L'}0${stage}.stl`;
      await api(page, 'POST', `/cases/${detail.id}/stages/${arch}/${stage}/models?file_name=${name}`, { bytes });
    }
  }
  for (const [who, role, name] of [[TECHNICIAN, 'technician', 'Tess Tech'], [CLINICIAN, 'clinician', 'Dr Cleo']]) {
    await api(page, 'POST', '/users', { json: { email: who.email, display_name: name, role, password: who.password } });
  }
  const before = await versions(page);
  assert.deepEqual(Object.keys(before).sort(), [...STAGES].sort());
  made.owner = page;
  assert.deepEqual(unexpected(problems), []);
});

test('a technician previews a recipe on one stage: the original and the prepared model both draw, each step says what it did', async () => {
  const { page, problems } = await openPrepare(TECHNICIAN);
  made.technician = { page, problems };
  assert.equal(await page.getByTestId('case-code').innerText(), made.code);
  assert.equal(await page.getByTestId('prepare-all').innerText(), 'Prepare all 4 models');
  const stages = await page.getByTestId('prepare-stage').locator('option').allInnerTexts();
  assert.deepEqual(stages, ['Upper 0', 'Upper 1', 'Lower 0', 'Lower 1']);
  await page.getByTestId('prepare-stage').selectOption('lower:0');
  await page.locator('[data-testid=preview-original] [data-testid=viewer]:not([data-frames="0"])').waitFor({ timeout: 60_000 });

  await workingRecipe(page);
  await page.getByTestId('preview').click();
  const status = page.locator('[data-testid=preview-status][data-watertight]');
  await status.waitFor({ timeout: PREPARE_TIMEOUT });
  assert.equal(await status.getAttribute('data-watertight'), 'true');
  assert.match(await status.innerText(), /^Prepared in \d+ ms: [\d\s]+ triangles, watertight\.$/);
  await page.locator('[data-testid=preview-prepared] [data-testid=viewer]:not([data-frames="0"])').waitFor();
  await settled(page);
  for (const side of ['original', 'prepared']) {
    const pixels = await canvasPixels(page, `[data-testid=preview-${side}] [data-testid=viewer]`);
    assert.ok(pixels.model > pixels.total * 0.01, `the ${side} model is drawn: ${pixels.model} of ${pixels.total} pixels`);
  }
  assert.equal(await page.getByTestId('said-repair').count(), 1);
  assert.match(await page.getByTestId('said-base').innerText(), /3 mm plate/);
  assert.match(await page.getByTestId('said-label').innerText(), new RegExp(`${made.code} L00`));
  await screenshot(page, 'prepare-preview.png');
  assert.deepEqual(unexpected(problems), []);
});

test('with trimming on, Place points takes clicks on the original, closes on the first point, and Download line saves the closed line', async () => {
  const { page, problems } = made.technician;
  assert.equal(await page.getByTestId('trim-tools').count(), 0, 'no trim tools while the recipe does not trim');
  await page.getByTestId('recipe-trim').check();
  await page.getByTestId('place-points').click();
  const original = '[data-testid=preview-original] [data-testid=viewer]';
  const points = await modelPoints(page, [0.15, 0.5, 0.85], original);
  assert.ok(points, 'the original shows enough model to click on');
  for (const point of points) await page.mouse.click(point.x, point.y);
  assert.match(await page.getByTestId('trim-tools').innerText(), /3 points: click the first point to close the line/);
  await page.mouse.click(points[0].x, points[0].y);
  await page.getByTestId('place-points').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-line').click()]);
  assert.equal(download.suggestedFilename(), 'L00-trim-line.txt');
  const lines = (await readFile(await download.path(), 'utf8')).trimEnd().split('\n');
  assert.equal(lines[0], '# Trayforge trim line: 3 points, x y z in mm, closed');
  assert.equal(lines.length, 5, 'three points and the first again');
  assert.equal(lines[4], lines[1], 'closed on its first point');
  for (const line of lines.slice(1)) assert.match(line, /^-?[\d.e-]+ -?[\d.e-]+ -?[\d.e-]+$/);
  await screenshot(page, 'prepare-trim-line.png');
  await page.getByTestId('recipe-trim').uncheck();
  assert.deepEqual(unexpected(problems), []);
});

test('a recipe that cannot work shows the label step’s message beside its settings, and preparing with it saves nothing', async () => {
  const { page, problems } = made.technician;
  const before = await versions(page);
  await setNumber(page, 'recipe-letter-height', 19);
  await page.getByTestId('preview').click();
  const failed = page.getByTestId('failed-label');
  await failed.waitFor({ timeout: PREPARE_TIMEOUT });
  assert.match(await failed.innerText(), /^Label: .+/);
  assert.equal(await page.getByTestId('preview-error').innerText(), await failed.innerText());
  assert.equal(await page.locator('[data-testid=step-label] [data-testid=failed-label]').count(), 1, 'beside the label’s settings');

  await (await prepareAll(page)).waitFor({ timeout: PREPARE_TIMEOUT * 4 });
  assert.equal(await page.getByTestId('prepare-progress-line').innerText(), 'Done: 0 of 4 models prepared, 4 failed');
  const failures = await page.getByTestId('prepare-failure').allInnerTexts();
  assert.equal(failures.length, 4, failures.join('\n'));
  for (const failure of failures) assert.match(failure, /^(Upper|Lower) [01]: Label: /);
  assert.deepEqual(await versions(page), before, 'no version was saved');

  // A number that is not one is named under its field before anything runs.
  await setNumber(page, 'recipe-letter-height', '');
  await page.getByTestId('preview').click();
  assert.equal(await page.getByTestId('recipe-letter-height-error').innerText(), 'give the letter height (mm), a number');
  assert.deepEqual(unexpected(problems), []);
});

test('preparing all models shows its progress to 4 of 4 and saves a watertight prepared version of each stage beside its original', async () => {
  const { page, problems } = made.technician;
  const before = await versions(page);
  await workingRecipe(page);
  const finished = await prepareAll(page);
  await page.locator('[data-testid=prepare-progress]:not([data-done="0"])').waitFor({ timeout: PREPARE_TIMEOUT });
  await screenshot(page, 'prepare-progress.png');
  await finished.waitFor({ timeout: PREPARE_TIMEOUT * 4 });
  assert.equal(await page.getByTestId('prepare-progress-line').innerText(), 'Done: 4 of 4 models');
  assert.equal(await page.getByTestId('prepare-failure').count(), 0);

  const after = await versions(page);
  made.prepared = {};
  for (const key of STAGES) {
    const original = before[key].at(-1);
    const [prepared, ...more] = after[key].slice(before[key].length);
    assert.equal(more.length, 0, `one new version of ${key}`);
    assert.equal(prepared.prepared_from, original.id, `${key}'s new version is prepared from its original`);
    assert.equal(original.prepared_from, null);
    assert.equal(prepared.report.watertight, true, `${key} prepared is watertight by the server's check`);
    assert.ok(prepared.report.triangles > original.report.triangles * 0.5, `${key}: ${prepared.report.triangles} triangles`);
    assert.match(prepared.file_name, /^[UL]0[01]-prepared\.stl$/);
    made.prepared[key] = prepared;
  }
  // The stage picker still offers every stage's original, never a prepared version.
  assert.equal(await page.getByTestId('prepare-all').innerText(), 'Prepare all 4 models');

  await page.goto(`${running.server.url}/cases/${made.caseId}`);
  const row = page.locator('[data-testid=stage-row][data-arch=upper][data-index="1"]');
  await row.waitFor();
  const versionsShown = row.getByTestId('model-version');
  assert.equal(await versionsShown.count(), 2, 'the prepared version beside the original');
  assert.equal(await versionsShown.nth(0).getByTestId('model-prepared').count(), 1, 'the current one is marked prepared');
  assert.equal(await versionsShown.nth(1).getByTestId('model-prepared').count(), 0, 'the original is not');
  await row.scrollIntoViewIfNeeded();
  await screenshot(page, 'prepare-case-page-versions.png');
  await page.getByTestId('prepare-models').click();
  await page.getByTestId('prepare-page').waitFor();
  assert.deepEqual(unexpected(problems), []);
});

test('"Download all (STL zip)" gives every stage’s prepared model as a binary STL named by the case code; 3MF and one stage too', async () => {
  const { page, problems } = made.technician;
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-zip').click()]);
  assert.equal(download.suggestedFilename(), `${made.code}.zip`);
  const bytes = await readFile(await download.path());
  const entries = zipEntries(bytes);
  const expected = STAGES.map((key) => {
    const [arch, stage] = key.split(':');
    return `${made.code}_${arch === 'upper' ? 'U' : 'L'}0${stage}.stl`;
  });
  assert.deepEqual(entries.map((entry) => entry.name).sort(), expected.sort());
  for (const entry of entries) {
    const key = `${/_U/.test(entry.name) ? 'upper' : 'lower'}:${entry.name.at(-5)}`;
    const triangles = entry.bytes.readUInt32LE(80);
    assert.equal(entry.bytes.length, 84 + 50 * triangles, `${entry.name} is a whole binary STL`);
    assert.equal(triangles, made.prepared[key].report.triangles, `${entry.name} is the prepared version`);
  }

  const [threeMf] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-3mf').click()]);
  assert.equal(threeMf.suggestedFilename(), `${made.code}.3mf`);
  const parts = zipEntries(await readFile(await threeMf.path())).map((entry) => entry.name);
  assert.ok(parts.some((name) => /^3D\/.+\.model$/.test(name)), `a 3MF holds its model part: ${parts.join(', ')}`);

  // The stage shown (the first, upper 0, since the page was opened again) alone.
  const [one] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-stage').click()]);
  const only = zipEntries(await readFile(await one.path())).map((entry) => entry.name);
  assert.deepEqual(only, [`${made.code}_U00.stl`]);
  assert.deepEqual(unexpected(problems), []);
});

test('the technician saves the recipe as the clinic default and finds it after a reload; the page fits a tablet and a phone', async () => {
  const { page, problems } = made.technician;
  await setNumber(page, 'recipe-base-height', 4.5);
  const saved = page.waitForResponse((response) => response.url().endsWith('/api/v1/recipe') && response.request().method() === 'PUT');
  await page.getByTestId('save-recipe').click();
  assert.equal((await saved).status(), 200);
  await page.getByTestId('recipe-saved').waitFor();
  await page.reload();
  await page.getByTestId('prepare-page').waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=recipe-base-height]')?.value === '4.5');
  assert.equal(await page.getByTestId('recipe-code').isChecked(), true, 'the code stays on, as saved');
  for (const width of [768, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await settled(page);
    assert.ok(await fitsWidth(page), `the Prepare page fits ${width} px`);
    await screenshot(page, `prepare-${width}.png`);
  }
  assert.deepEqual(unexpected(problems), []);
});

test('a clinician sees the clinic’s recipe but no "Save as clinic default"', async () => {
  const { page, problems } = await openPrepare(CLINICIAN);
  await page.waitForFunction(() => document.querySelector('[data-testid=recipe-base-height]')?.value === '4.5');
  assert.equal(await page.getByTestId('save-recipe').count(), 0);
  assert.equal(await page.getByTestId('prepare-all').isVisible(), true, 'clinicians may still prepare');
  await screenshot(page, 'prepare-clinician.png');
  for (const browser of made.browsers) await browser.close();
  assert.deepEqual(unexpected(problems), []);
});
