// A clinician's day in one path, as a new user would take it: sign in,
// create a case, import a folder of exported models, confirm the mapping,
// watch the upload reach 100 %, see the stages on the case page, play the
// treatment in the viewer, measure on the model, and sign out.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { corpus, openPage, screenshot, serverAndBrowser, signIn, unexpected, waitForPath } from './support.mjs';
import { canvasPixels, settled, shift, stageShown, transformedStl, twoModelPoints } from './viewer_support.mjs';

const OWNER = { clinic: 'Journey Dental', email: 'dr.ruiz@journey.example', password: 'correct horse battery staple' };
const running = serverAndBrowser({ owner: OWNER });
let work;

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'trayforge-journey-'));
});
after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** An exported plan: both arches at stages 0–2, each later stage moved a little further, named as planning software does. */
async function exportedPlan() {
  const dir = path.join(work, 'K-export');
  await mkdir(dir, { recursive: true });
  const upper = await readFile(corpus('public/dental/ref_upper_tag0.stl'));
  const lower = await readFile(corpus('public/dental/ref_lower_tag0.stl'));
  for (const stage of [0, 1, 2]) {
    const step = String(stage).padStart(2, '0');
    await writeFile(path.join(dir, `Upper_Step_${step}.stl`), transformedStl(upper, shift([2 * stage, 0, 0])));
    await writeFile(path.join(dir, `Lower_Step_${step}.stl`), transformedStl(lower, shift([0, 0, 2 * stage])));
  }
  return dir;
}

test('sign in → new case → import a plan folder → confirm → 100 % → stages → play → measure → sign out', async () => {
  const plan = await exportedPlan();
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/cases`);
  await waitForPath(page, '/login?next=%2Fcases');
  await signIn(page, OWNER);
  await waitForPath(page, '/cases');

  await page.getByTestId('new-case').click();
  await waitForPath(page, '/cases/new');
  await page.getByTestId('full_name').fill('Mara Quist');
  await page.getByTestId('title').fill('Spacing, both arches');
  await page.getByTestId('start_date').fill('2026-12-07');
  await page.getByTestId('create-case').click();
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
  const caseId = new URL(page.url()).pathname.split('/').pop();
  assert.match(await page.getByTestId('case-code').innerText(), /^[A-HJKMNP-Z2-9]{3}-[A-HJKMNP-Z2-9]{3}$/);

  await page.getByTestId('import-plan').click();
  await waitForPath(page, `/cases/${caseId}/import`);
  await page.getByTestId('folder-input').setInputFiles(plan);
  const rows = page.locator('[data-testid=import-row]');
  await page.waitForFunction(() => {
    const all = [...document.querySelectorAll('[data-testid=import-row]')];
    return all.length === 6 && all.every((row) => row.dataset.verdict === 'send');
  }, null, { timeout: 60_000 });
  for (const stage of [0, 1, 2]) {
    for (const arch of ['upper', 'lower']) {
      const file = `${arch[0].toUpperCase()}${arch.slice(1)}_Step_0${stage}.stl`;
      const row = page.locator(`[data-testid=import-row][data-path$="${file}"]`);
      assert.equal(await row.getByTestId('row-arch').inputValue(), arch, file);
      assert.equal(await row.getByTestId('row-stage').inputValue(), String(stage), file);
    }
  }
  assert.equal(await rows.count(), 6);
  await page.getByTestId('confirm-import').click();
  await page.getByTestId('import-done').waitFor({ timeout: 120_000 });
  assert.equal(await page.getByTestId('upload-progress').getAttribute('data-percent'), '100');
  assert.match(await page.getByTestId('progress-line').innerText(), /^100 % · 6 of 6 files · /);
  await screenshot(page, 'journey-imported.png');

  await page.getByTestId('open-case').click();
  await waitForPath(page, `/cases/${caseId}`);
  for (const stage of [0, 1, 2]) {
    for (const arch of ['upper', 'lower']) {
      const row = page.locator(`[data-testid=stage-row][data-arch=${arch}][data-index="${stage}"]`);
      await row.waitFor();
      assert.ok(Number(await row.getByTestId('model-triangles').getAttribute('data-count')) > 80_000, `${arch} ${stage}`);
    }
  }

  await page.getByTestId('treatment-viewer').waitFor();
  await stageShown(page, 0);
  const first = await canvasPixels(page);
  assert.ok(first.model > first.total * 0.02, 'the arches are drawn');
  await page.getByTestId('play').click();
  await page.locator('[data-testid=stage-label][data-stage="2"]').waitFor({ timeout: 60_000 });
  await page.locator('[data-testid=play][aria-pressed=false]').waitFor({ timeout: 60_000 });
  await stageShown(page, 2);
  const last = await canvasPixels(page);
  assert.notEqual(last.hash, first.hash, 'the last stage looks different from the first');
  await screenshot(page, 'journey-played.png');

  await page.getByTestId('treatment-viewer').focus();
  await page.keyboard.press('Home');
  await stageShown(page, 0);
  await page.getByTestId('view-front').click();
  await settled(page);
  await page.getByTestId('measure').click();
  const points = await twoModelPoints(page);
  assert.ok(points, 'two model pixels to click');
  await page.mouse.click(points[0].x, points[0].y);
  await page.locator('[data-testid=measurement]', { hasText: 'second point' }).waitFor();
  await page.mouse.click(points[1].x, points[1].y);
  await page.locator('.measure-readout.done').waitFor();
  const distance = (await page.getByTestId('measurement').innerText()).match(/^(\d+\.\d{2}) mm/);
  assert.ok(distance && Number(distance[1]) > 1, `a distance in mm: ${distance}`);
  await screenshot(page, 'journey-measured.png');

  await page.getByTestId('sign-out').click();
  await waitForPath(page, '/login');
  await page.goto(`${running.server.url}/cases/${caseId}`);
  await waitForPath(page, `/login?next=${encodeURIComponent(`/cases/${caseId}`)}`);
  assert.deepEqual(unexpected(problems, 401), []);
  await page.close();
});
