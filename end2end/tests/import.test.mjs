// Importing a treatment plan against the real server: a folder of
// exported models (one unreadable, one with a name nothing recognises) is
// read in the mesh worker, mapped, confirmed and uploaded with a progress
// bar; the case page then shows the stages. Also: a zip, a re-import that
// sends nothing, a connection lost mid-upload (paused, resumed, no
// duplicate version), single uploads on the case page, and a main thread
// that stays responsive throughout.
//
// The tests run in order and build on each other: one clinic, one browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFile, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { callApi, corpus, openPage, screenshot, serverAndBrowser, signIn, unexpected } from './support.mjs';

const OWNER = { clinic: 'Import Lab', email: 'owner@import.example', password: 'correct horse battery staple' };
const running = serverAndBrowser({ owner: OWNER });
const UPPER = corpus('public/dental/ref_upper_tag0.stl');
const LOWER = corpus('public/dental/ref_lower_tag0.stl');
/** What the tests learn as they go. */
const made = {};
let work;

/** A folder of model files: `{ name: source }`. */
async function folder(name, files) {
  const dir = path.join(work, name);
  await mkdir(dir, { recursive: true });
  for (const [file, source] of Object.entries(files)) await copyFile(source, path.join(dir, file));
  return dir;
}

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'trayforge-import-'));
});
after(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

/** The session's CSRF token, as the app sends it. */
async function csrfToken() {
  const cookies = await running.browser.context.cookies(running.server.url);
  return cookies.find((cookie) => cookie.name === 'trayforge_csrf')?.value;
}

/** A request through the browser's cookies: the same session as the pages. */
const api = (page, method, apiPath, json) => callApi(page, running.server.url, method, apiPath, { json });

/** Records main-thread long tasks from the page's start (`window.longTasks`). */
async function watchLongTasks(page) {
  await page.addInitScript(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.longTasks.push(entry.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
}

async function signedInPage() {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/login`);
  await signIn(page, OWNER);
  await page.waitForURL((url) => url.pathname === '/cases', { timeout: 15_000 });
  return { page, problems };
}

/** Counts the model uploads the page sends. */
function countUploads(page) {
  const counter = { models: 0 };
  page.on('request', (request) => {
    if (request.method() === 'POST' && /\/stages\/(upper|lower)\/\d+\/models/.test(request.url())) counter.models += 1;
  });
  return counter;
}

function row(page, file) {
  return page.locator(`[data-testid=import-row][data-path$="${file}"]`);
}

/** Waits until the worker has read every model row. */
async function waitForReading(page, rows) {
  await page.waitForFunction((n) => {
    const all = [...document.querySelectorAll('[data-testid=import-row]')];
    return all.length === n && all.every((row) => row.dataset.verdict !== 'reading');
  }, rows, { timeout: 60_000 });
}

async function openImport(page, caseId) {
  await page.goto(`${running.server.url}/cases/${caseId}/import`);
  await page.getByTestId('plan-drop').waitFor();
}

async function confirmAndFinish(page) {
  const confirm = page.getByTestId('confirm-import');
  assert.equal(await confirm.isEnabled(), true, await page.getByTestId('confirm-blocker').innerText());
  await confirm.click();
  await page.getByTestId('import-done').waitFor({ timeout: 120_000 });
}

test('a plan folder is read, flagged, mapped, confirmed and uploaded with progress; the case shows its stages', async () => {
  const plan = await folder('plan', {
    'Upper_Step_00.stl': UPPER,
    'Lower_Step_00.stl': LOWER,
    'Maxillary Subsetup 1.stl': UPPER,
    'LJ02.stl': LOWER,
    'Upper_Step_04.stl': corpus('synthetic/binary_truncated.stl'),
    'scan.stl': corpus('synthetic/cube_binary.stl'),
  });
  made.plan = plan;
  const { page, problems } = await signedInPage();
  await watchLongTasks(page);
  made.page = page;
  made.problems = problems;
  const created = await api(page, 'POST', '/cases', { title: 'Plan import', patient: { full_name: 'Ada L.' } });
  made.caseId = created.id;

  await page.goto(`${running.server.url}/cases/${created.id}`);
  await page.getByTestId('import-plan').click();
  await page.waitForURL((url) => url.pathname === `/cases/${created.id}/import`);
  await page.getByTestId('import-empty').waitFor();
  const uploads = countUploads(page);

  // From here on: what the import does, not what loading the app did.
  await page.evaluate(() => { window.longTasks = []; });
  await page.getByTestId('folder-input').setInputFiles(plan);
  await waitForReading(page, 6);

  const guessOf = async (file) => ({
    arch: await row(page, file).getByTestId('row-arch').inputValue(),
    stage: await row(page, file).getByTestId('row-stage').inputValue(),
  });
  assert.deepEqual(await guessOf('Upper_Step_00.stl'), { arch: 'upper', stage: '0' });
  assert.deepEqual(await guessOf('Lower_Step_00.stl'), { arch: 'lower', stage: '0' });
  assert.deepEqual(await guessOf('Maxillary Subsetup 1.stl'), { arch: 'upper', stage: '1' });
  assert.deepEqual(await guessOf('LJ02.stl'), { arch: 'lower', stage: '2' });
  assert.deepEqual(await guessOf('scan.stl'), { arch: '', stage: '' });
  assert.match(await row(page, 'Upper_Step_00.stl').getByTestId('row-read').innerText(), /^[\d\s\u2009]+ triangles · (closed|.+ — Prepare closes it)$/);
  assert.match(await row(page, 'Upper_Step_04.stl').getByTestId('row-read').innerText(), /truncated/i);
  assert.equal(await row(page, 'Upper_Step_04.stl').getAttribute('data-verdict'), 'not-imported');
  assert.equal(await row(page, 'scan.stl').getAttribute('data-verdict'), 'attention');
  assert.match(await row(page, 'scan.stl').getByTestId('row-status').innerText(), /Choose its arch and stage, or skip it/);
  assert.equal(await page.getByTestId('confirm-import').isDisabled(), true);
  assert.match(await page.getByTestId('confirm-blocker').innerText(), /1 file needs attention/);
  assert.equal(uploads.models, 0, 'nothing is sent before Confirm');
  await screenshot(page, 'import-mapping.png');

  // Mapping it to a stage already taken is flagged too; then a free one.
  await row(page, 'scan.stl').getByTestId('row-arch').selectOption('upper');
  await row(page, 'scan.stl').getByTestId('row-stage').fill('1');
  assert.match(await row(page, 'scan.stl').getByTestId('row-status').innerText(), /Maxillary Subsetup 1\.stl is mapped to the same stage/);
  await row(page, 'scan.stl').getByTestId('row-stage').fill('3');
  assert.equal(await row(page, 'scan.stl').getAttribute('data-verdict'), 'send');

  const triangles = Number((await row(page, 'Upper_Step_00.stl').getByTestId('row-read').innerText()).split(' triangles')[0].replace(/\D/g, ''));
  await confirmAndFinish(page);
  assert.equal(await page.getByTestId('upload-progress').getAttribute('data-percent'), '100');
  assert.match(await page.getByTestId('progress-line').innerText(), /^100 % · 5 of 5 files · [\d.]+ of [\d.]+ MB$/);
  assert.equal(uploads.models, 5);
  await screenshot(page, 'import-done.png');

  const longest = await page.evaluate(() => Math.max(0, ...window.longTasks));
  assert.ok(longest < 250, `the main thread was blocked for ${longest} ms during the import`);

  await page.getByTestId('open-case').click();
  await page.waitForURL((url) => url.pathname === `/cases/${created.id}`);
  const stage = (arch, index) => page.locator(`[data-testid=stage-row][data-arch=${arch}][data-index="${index}"]`);
  await stage('upper', 0).waitFor();
  for (const [arch, index] of [['upper', 0], ['upper', 1], ['upper', 3], ['lower', 0], ['lower', 2]]) {
    assert.equal(await stage(arch, index).getByTestId('model-version').count(), 1, `${arch} ${index}`);
  }
  assert.equal(Number(await stage('upper', 0).getByTestId('model-triangles').getAttribute('data-count')), triangles,
    'the server counts the triangles the worker counted');
  assert.equal(await stage('upper', 4).count(), 0, 'the unreadable file was not sent');
  await screenshot(page, 'import-case-page.png');
  assert.deepEqual(unexpected(problems), []);
});

test('importing the same folder again marks every file already uploaded and sends nothing', async () => {
  const { page, problems } = made;
  const uploads = countUploads(page);
  await openImport(page, made.caseId);
  await page.getByTestId('folder-input').setInputFiles(made.plan);
  await waitForReading(page, 6);
  await row(page, 'scan.stl').getByTestId('row-arch').selectOption('upper');
  await row(page, 'scan.stl').getByTestId('row-stage').fill('3');
  for (const file of ['Upper_Step_00.stl', 'Lower_Step_00.stl', 'Maxillary Subsetup 1.stl', 'LJ02.stl', 'scan.stl']) {
    assert.equal(await row(page, file).getAttribute('data-verdict'), 'already-uploaded', file);
  }
  assert.match(await row(page, 'LJ02.stl').getByTestId('row-status').innerText(), /Already uploaded/);
  assert.equal(await page.getByTestId('confirm-import').isDisabled(), true);
  assert.match(await page.getByTestId('confirm-blocker').innerText(), /Nothing to import/);
  assert.equal(uploads.models, 0);

  for (const width of [768, 390]) {
    await page.setViewportSize({ width, height: 844 });
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth),
      `the page fits ${width} px (the table scrolls inside it)`);
    await screenshot(page, `import-${width}px.png`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  assert.deepEqual(unexpected(problems), []);
});

test('a zip is unzipped in the browser and its models imported', async () => {
  const { page, problems } = made;
  const zipped = path.join(work, 'zip-plan.zip');
  const script = 'import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:\n'
    + '    z.write(sys.argv[2], "export/Upper_Step_01.stl")\n    z.write(sys.argv[3], "export/Lower_Step_01.stl")\n'
    + '    z.writestr("export/readme.txt", "plan notes")\n';
  execFileSync('python3', ['-c', script, zipped, UPPER, LOWER]);
  const created = await api(page, 'POST', '/cases', { title: 'Zip import' });
  await openImport(page, created.id);
  await page.getByTestId('files-input').setInputFiles(zipped);
  await waitForReading(page, 3);
  assert.equal(await row(page, 'zip-plan/export/Upper_Step_01.stl').getAttribute('data-verdict'), 'send');
  assert.equal(await row(page, 'readme.txt').getAttribute('data-verdict'), 'not-imported');
  await confirmAndFinish(page);
  assert.match(await page.getByTestId('progress-line').innerText(), /2 of 2 files/);
  const detail = await api(page, 'GET', `/cases/${created.id}`);
  assert.deepEqual(detail.stages.map((s) => `${s.arch} ${s.index} ${s.models.length}`).sort(), ['lower 1 1', 'upper 1 1']);
  assert.deepEqual(unexpected(problems), []);
});

test('a connection lost mid-upload pauses the import, which resumes when back online without a duplicate version', async () => {
  const { page, problems } = made;
  const plan = await folder('offline-plan', {
    'Upper_Step_01.stl': UPPER, 'Upper_Step_02.stl': UPPER, 'Lower_Step_01.stl': LOWER,
  });
  const created = await api(page, 'POST', '/cases', { title: 'Offline import' });
  await openImport(page, created.id);
  const uploads = countUploads(page);
  await page.getByTestId('folder-input').setInputFiles(plan);
  await waitForReading(page, 3);

  // The first upload reaches the server, but its answer is lost with the connection.
  let cut = false;
  await page.route('**/models?*', async (route) => {
    if (cut) return route.continue();
    cut = true;
    // (The browser's own body is a blob interception cannot replay: send the same file.)
    const stored = await page.request.post(route.request().url(), {
      data: await readFile(UPPER),
      headers: { 'X-CSRF-Token': await csrfToken(), 'Content-Type': 'application/octet-stream' },
    });
    assert.equal(stored.status(), 201, await stored.text());
    await running.browser.context.setOffline(true);
    await route.abort('internetdisconnected');
  });
  await page.getByTestId('confirm-import').click();
  await page.getByTestId('import-paused').waitFor({ timeout: 30_000 });
  await screenshot(page, 'import-paused.png');
  await running.browser.context.setOffline(false);
  await page.getByTestId('import-done').waitFor({ timeout: 120_000 });
  await page.unroute('**/models?*');

  assert.match(await page.getByTestId('progress-line').innerText(), /3 of 3 files/);
  assert.equal(uploads.models, 3, 'the file whose answer was lost was not sent again');
  const detail = await api(page, 'GET', `/cases/${created.id}`);
  assert.deepEqual(detail.stages.map((s) => `${s.arch} ${s.index} ${s.models.length}`).sort(), ['lower 1 1', 'upper 1 1', 'upper 2 1']);
  assert.deepEqual(unexpected(problems, 'ERR_INTERNET_DISCONNECTED'), []);
  problems.length = 0;
});

test('a stage takes a new model version and the case a photo from the case page, each with progress', async () => {
  const { page, problems } = made;
  await page.goto(`${running.server.url}/cases/${made.caseId}`);
  const stage = page.locator('[data-testid=stage-row][data-arch=lower][data-index="2"]');
  await stage.waitFor();
  await stage.locator('input[type=file]').setInputFiles(UPPER);
  await stage.getByTestId('model-version').nth(1).waitFor({ timeout: 60_000 });
  assert.equal(await stage.getByTestId('model-version').count(), 2, 'a second version');

  // The smallest PNG: signature, header, one pixel, end.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
  const photo = path.join(work, 'smile.png');
  await writeFile(photo, png);
  await page.locator('.case-photos input[type=file]').setInputFiles(photo);
  await page.getByTestId('photos').getByText('smile.png').waitFor({ timeout: 30_000 });
  await screenshot(page, 'case-single-uploads.png');
  assert.deepEqual(unexpected(problems), []);
});

test('a mesh worker that crashes fails the reading with a message instead of leaving it waiting', async () => {
  const { page, problems } = made;
  const plan = await folder('crash-plan', { 'Upper_Step_05.stl': UPPER });
  // The service worker fetches the app's scripts: route the context, which sees its requests too.
  await running.browser.context.route('**/mesh-worker_loader.js', (route) =>
    route.fulfill({ status: 200, contentType: 'text/javascript', body: 'throw new Error("broken worker");' }));
  await openImport(page, made.caseId);
  await page.getByTestId('folder-input').setInputFiles(plan);
  await waitForReading(page, 1);
  assert.match(await row(page, 'Upper_Step_05.stl').getByTestId('row-read').innerText(), /mesh worker stopped .*reload the page/i);
  assert.equal(await row(page, 'Upper_Step_05.stl').getAttribute('data-verdict'), 'not-imported');
  await running.browser.context.unroute('**/mesh-worker_loader.js');
  assert.deepEqual(unexpected(problems, 'broken worker'), []);
});

test('files dropped on the page get their rows like picked ones', async () => {
  const { page, problems } = made;
  await openImport(page, made.caseId);
  const upper = (await readFile(UPPER)).toString('base64');
  await page.evaluate((bytes) => {
    const data = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([data], 'Upper_Step_07.stl'));
    transfer.items.add(new File(['notes'], 'notes.txt'));
    document.querySelector('[data-testid=plan-drop]')
      .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, upper);
  await waitForReading(page, 2);
  assert.equal(await row(page, 'Upper_Step_07.stl').getByTestId('row-stage').inputValue(), '7');
  assert.equal(await row(page, 'Upper_Step_07.stl').getAttribute('data-verdict'), 'send');
  assert.equal(await row(page, 'notes.txt').getAttribute('data-verdict'), 'not-imported');
  assert.deepEqual(unexpected(problems), []);
});
