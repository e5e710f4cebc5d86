// The Prepare page on models as clinics receive them, against the real
// server: an open intraoral scan (upper, ragged rim, small holes, crumbs)
// and a plan exported as a gum shell plus a mesh per tooth (lower). A
// technician previews each (watertight, one solid, the teeth's direction
// found from the model and shown), flips the direction, prepares both,
// and sees a stage the recipe refuses counted as failed, not done.
//
// The tests run in order and build on each other: one clinic, one case.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  callApi, corpus, launchBrowser, openPage, screenshot, serverAndBrowser, signIn, unexpected, waitForPath,
} from './support.mjs';
import { canvasPixels, settled } from './viewer_support.mjs';

const OWNER = { clinic: 'Realistic Lab', email: 'owner@realistic.example', password: 'correct horse battery staple' };
const TECHNICIAN = { email: 'tom@realistic.example', password: 'technician password 2' };
const running = serverAndBrowser({ owner: OWNER });
const made = { browsers: [] };
/** Models' preparation runs in SwiftShader's machine: allow a real arch a while. */
const PREPARE_TIMEOUT = 240_000;
const FILES = { upper: 'realistic/upper_scan_open.stl', lower: 'realistic/lower_plan_shells.stl' };

const api = (page, method, path, options) => callApi(page, running.server.url, method, path, options);

/** The case's model versions by stage key (`upper:0`), oldest first. */
async function versions(page) {
  const detail = await api(page, 'GET', `/cases/${made.caseId}`);
  return Object.fromEntries(detail.stages.map((stage) => [`${stage.arch}:${stage.index}`, stage.models]));
}

/** Previews the selected stage and waits for its outcome: the status line or the error. */
async function preview(page) {
  await page.getByTestId('preview').click();
  const outcome = page.locator('[data-testid=preview-status][data-watertight], [data-testid=preview-error]');
  await outcome.waitFor({ timeout: PREPARE_TIMEOUT });
  return outcome;
}

/** The teeth's direction the last preview used, from the notes' `data-up`. */
async function shownUp(page) {
  const up = await page.getByTestId('preview-notes').getAttribute('data-up');
  return up.split(' ').map(Number);
}

test('the owner makes a case from an open scan and a plan of gum and teeth, and a technician', async () => {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/login`);
  await signIn(page, OWNER);
  await waitForPath(page, '/cases');
  const detail = await api(page, 'POST', '/cases', { json: { patient: { full_name: 'Rita Real' }, title: 'As received' } });
  made.caseId = detail.id;
  made.code = detail.patient.code;
  for (const [arch, file] of Object.entries(FILES)) {
    const bytes = await readFile(corpus(file));
    await api(page, 'POST', `/cases/${detail.id}/stages/${arch}/0/models?file_name=${arch}.stl`, { bytes });
  }
  await api(page, 'POST', '/users', {
    json: { email: TECHNICIAN.email, display_name: 'Tom Tech', role: 'technician', password: TECHNICIAN.password },
  });
  const shown = await api(page, 'GET', `/cases/${detail.id}`);
  assert.equal(shown.status, 'models_ready', 'the case follows its models');
  assert.deepEqual(unexpected(problems), []);
});

test('an open scan is previewed as one closed solid on a base: its teeth found from the open rim, shown by an arrow over both models', async () => {
  const browser = await launchBrowser();
  made.browsers.push(browser);
  const { page, problems } = await openPage(browser.context, `${running.server.url}/login`);
  made.technician = { page, problems };
  await signIn(page, TECHNICIAN);
  await waitForPath(page, '/cases');
  await page.goto(`${running.server.url}/cases/${made.caseId}/prepare`);
  await page.getByTestId('prepare-page').waitFor();
  await page.getByTestId('prepare-stage').selectOption('upper:0');
  await page.locator('[data-testid=preview-original] [data-testid=viewer]:not([data-frames="0"])').waitFor({ timeout: 60_000 });

  const status = await preview(page);
  assert.equal(await status.getAttribute('data-watertight'), 'true', await status.innerText());
  assert.match(await page.getByTestId('said-frame').innerText(), /found from the scan's open rim/);
  assert.match(await page.getByTestId('said-repair').innerText(), /dropped 5 loose crumbs.*left the open rim \(\d+ edges\) for the base to close/i);
  assert.match(await page.getByTestId('said-base').innerText(), /above the open rim's highest point/i);
  assert.match(await page.getByTestId('said-check').innerText(), /one closed solid facing outward, [\d.]+ mm tall, standing on its base/i);
  const up = await shownUp(page);
  assert.ok(up[1] < -0.9, `an upper scan's teeth point along −Y: ${up}`);
  await page.locator('[data-testid=preview-prepared] [data-testid=viewer]:not([data-frames="0"])').waitFor();
  await settled(page);
  for (const side of ['original', 'prepared']) {
    const pixels = await canvasPixels(page, `[data-testid=preview-${side}] [data-testid=viewer]`);
    assert.ok(pixels.model > pixels.total * 0.01, `the ${side} model is drawn: ${pixels.model} of ${pixels.total} pixels`);
  }
  await screenshot(page, 'prepare-open-scan.png');
  assert.deepEqual(unexpected(problems), []);
});

test('a plan of gum and separate teeth is previewed as one solid, and Flip turns the teeth the other way', async () => {
  const { page, problems } = made.technician;
  await page.getByTestId('prepare-stage').selectOption('lower:0');
  await page.locator('[data-testid=preview-original] [data-testid=viewer]:not([data-frames="0"])').waitFor({ timeout: 60_000 });
  const status = await preview(page);
  assert.equal(await status.getAttribute('data-watertight'), 'true', await status.innerText());
  assert.match(await page.getByTestId('said-unite').innerText(), /^Pieces: 15 pieces made one solid\.$/);
  assert.match(await page.getByTestId('said-frame').innerText(), /found from the teeth's detail/);
  const found = await shownUp(page);
  assert.ok(found[1] > 0.9, `a lower arch's teeth point along +Y: ${found}`);
  await screenshot(page, 'prepare-plan-shells.png');

  // Flipped, the base goes on the teeth's side: still one solid, the arrow the other way.
  await page.getByTestId('flip-frame').click();
  await page.locator('[data-testid=said-frame]:has-text("set by hand")').waitFor({ timeout: PREPARE_TIMEOUT });
  const flipped = await shownUp(page);
  for (let i = 0; i < 3; i += 1) assert.ok(Math.abs(flipped[i] + found[i]) < 1e-3, `flipped: ${flipped} from ${found}`);
  assert.equal(await page.getByTestId('frame-set').count(), 1);
  await screenshot(page, 'prepare-flipped.png');
  // And back to the model's own direction.
  await page.getByTestId('unflip-frame').click();
  await page.locator('[data-testid=said-frame]:has-text("found from the teeth\'s detail")').waitFor({ timeout: PREPARE_TIMEOUT });
  assert.deepEqual(await shownUp(page), found);
  assert.equal(await page.getByTestId('frame-set').count(), 0);
  assert.deepEqual(unexpected(problems), []);
});

test('Prepare all saves a watertight solid standing at z = 0 for each stage; a stage the recipe refuses is counted as failed', async () => {
  const { page, problems } = made.technician;
  const before = await versions(page);
  const run = async () => {
    const progress = page.getByTestId('prepare-progress');
    const last = (await progress.count()) ? Number(await progress.getAttribute('data-run')) : 0;
    await page.getByTestId('prepare-all').click();
    const finished = page.locator(`[data-testid=prepare-progress][data-run="${last + 1}"][data-finished=true]`);
    await finished.waitFor({ timeout: PREPARE_TIMEOUT * 2 });
  };
  // The scan's teeth turned to its rim: its base cannot close it, and says so.
  await page.getByTestId('prepare-stage').selectOption('upper:0');
  await preview(page);
  await page.getByTestId('flip-frame').click();
  const error = page.getByTestId('preview-error');
  await error.waitFor({ timeout: PREPARE_TIMEOUT });
  assert.match(await error.innerText(), /open on the side its teeth are said to point to.*flip the teeth's direction/);
  await run();
  assert.equal(await page.getByTestId('prepare-progress-line').innerText(), 'Done: 1 of 2 models prepared, 1 failed');
  const failures = await page.getByTestId('prepare-failure').allInnerTexts();
  assert.equal(failures.length, 1, failures.join('\n'));
  assert.match(failures[0], /^Upper 0: /);

  // Back to the scan's own direction: both prepared.
  await page.getByTestId('unflip-frame').click();
  await page.locator('[data-testid=preview-status][data-watertight=true]').waitFor({ timeout: PREPARE_TIMEOUT });
  await run();
  assert.equal(await page.getByTestId('prepare-progress-line').innerText(), 'Done: 2 of 2 models');
  const after = await versions(page);
  for (const key of ['upper:0', 'lower:0']) {
    const prepared = after[key].at(-1);
    assert.ok(after[key].length > before[key].length, `${key} has a new version`);
    assert.equal(prepared.prepared_from, before[key][0].id);
    const report = prepared.report;
    assert.equal(report.watertight, true, `${key} is watertight by the server's check`);
    assert.equal(report.components, 1, `${key} is one piece`);
    assert.equal(report.orientation, 'outward');
    assert.equal(report.bounds.min[2], 0, `${key} stands on its base at z = 0`);
  }
  const shown = await api(page, 'GET', `/cases/${made.caseId}`);
  assert.equal(shown.status, 'prepared', 'every stage prepared: the case is prepared');
  assert.deepEqual(unexpected(problems), []);
});

test.after(async () => {
  for (const browser of made.browsers) await browser.close();
});
