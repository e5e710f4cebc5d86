// The clinician's first pages against the real server: signing in (and
// what a wrong password or too many attempts say), the cases board with
// its search and status menu, creating a case, the case page with a model
// uploaded through the API, an ended session, and signing out.
//
// The tests run in order and build on each other: one clinic, one browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import {
  callApi, corpus, fitsWidth, openPage, pathOf, screenshot, serverAndBrowser, signIn as signInAs, startServer,
  unexpected, waitForPath,
} from './support.mjs';

const OWNER = { clinic: 'Smile Lab', email: 'owner@smile.example', password: 'correct horse battery staple' };
const running = serverAndBrowser({ owner: OWNER });
/** What the tests learn as they go: the case's id and code. */
const made = {};

/** Types the owner's email and `password` and presses Enter; resolves once the server has answered. */
async function signIn(page, password = OWNER.password) {
  await signInAs(page, { email: OWNER.email, password });
}

/** A request through the browser's cookies: the same session as the pages. */
async function api(page, method, path, options) {
  return callApi(page, running.server.url, method, path, options);
}

function card(page, id) {
  return page.locator(`[data-testid=case-card][data-case-id="${id}"]`);
}

test('signed out, the home page and the board lead to sign-in; a wrong password says so; the right one opens the board, which is then home', async () => {
  const { page, problems } = await openPage(running.browser.context, running.server.url);
  await waitForPath(page, '/login');
  await page.goto(`${running.server.url}/cases`);
  await waitForPath(page, '/login?next=%2Fcases');

  await signIn(page, 'not the password');
  const error = page.getByTestId('login-error');
  await error.waitFor();
  assert.equal(await error.innerText(), 'The email address or the password is wrong.');
  assert.equal(pathOf(page), '/login?next=%2Fcases');
  await screenshot(page, 'login-wrong-password.png');

  await signIn(page);
  await waitForPath(page, '/cases');
  const empty = page.getByTestId('board-empty');
  await empty.waitFor();
  assert.match(await empty.innerText(), /No cases yet/);
  assert.equal(await page.getByTestId('clinic-name').innerText(), 'Smile Lab');
  assert.equal(await page.getByTestId('user-role').innerText(), 'Owner');
  assert.ok(await page.getByRole('link', { name: 'Inspect a file' }).isVisible());
  await screenshot(page, 'board-empty.png');
  await page.goto(running.server.url);
  await waitForPath(page, '/cases');
  await page.getByTestId('board-empty').waitFor();
  assert.deepEqual(unexpected(problems, 401), []);
  await page.close();
});

test('a new case with a name and a schedule: a field the server refuses is named, then the case page opens', async () => {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/cases`);
  await page.getByTestId('new-case').click();
  await waitForPath(page, '/cases/new');
  await page.getByTestId('full_name').fill('Ada Lovelace');
  await page.getByTestId('date_of_birth').fill('1990-12-10');
  await page.getByTestId('title').fill('Crowding upper');
  await page.getByTestId('start_date').fill('2026-12-01');
  await page.getByTestId('days_per_aligner').fill('0');
  await page.getByTestId('aligners_per_appointment').fill('2');
  await page.getByTestId('notes').fill('Attachments on 13 and 23.');
  await page.getByTestId('create-case').click();

  const fieldError = page.getByTestId('days_per_aligner-error');
  await fieldError.waitFor();
  assert.equal(await fieldError.innerText(), 'An aligner is worn for 1 to 60 days.');
  assert.equal(await page.getByTestId('days_per_aligner').getAttribute('aria-invalid'), 'true');
  assert.equal(pathOf(page), '/cases/new', 'nothing was created');
  await screenshot(page, 'new-case-field-error.png');

  await page.getByTestId('days_per_aligner').fill('10');
  await page.getByTestId('create-case').click();
  await page.waitForURL(/\/cases\/[0-9a-f-]{36}$/);
  const code = page.getByTestId('case-code');
  await code.waitFor();
  made.code = await code.innerText();
  made.id = new URL(page.url()).pathname.split('/').pop();
  assert.match(made.code, /^[A-HJKMNP-Z2-9]{3}-[A-HJKMNP-Z2-9]{3}$/);
  assert.equal(await page.getByTestId('case-title').innerText(), 'Crowding upper');
  assert.equal(await page.getByTestId('patient-name').innerText(), 'Ada Lovelace');
  assert.equal(await page.getByTestId('start-date').innerText(), '1 Dec 2026');
  assert.equal(await page.getByTestId('days-per-aligner').innerText(), '10 days');
  assert.equal(await page.getByTestId('aligners-per-appointment').innerText(), '2 aligners');
  assert.equal(await page.getByTestId('status-select').inputValue(), 'new');
  assert.equal(await page.getByTestId('case-notes').inputValue(), 'Attachments on 13 and 23.');
  assert.ok(await page.getByTestId('no-stages').isVisible());
  await screenshot(page, 'case-page-new.png');
  assert.deepEqual(unexpected(problems, 422), []);
  await page.close();
});

test('the board shows the case under New; its code finds it, and a query that matches nothing says so', async () => {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/cases`);
  // A second case, made through the API, so that a search has something to leave out.
  await api(page, 'POST', '/cases', { json: { title: 'Refinement', patient: { full_name: 'Grace Hopper' } } });
  await page.reload();
  const ours = page.locator(`[data-testid=column-new] [data-testid=case-card][data-case-id="${made.id}"]`);
  await ours.waitFor();
  assert.equal(await ours.getByTestId('case-code').innerText(), made.code);
  assert.match(await ours.innerText(), /Crowding upper/);
  assert.match(await ours.innerText(), /Ada Lovelace/);
  assert.equal(await ours.getByTestId('case-models').innerText(), 'No models yet');
  assert.equal(await page.locator('[data-testid=column-new] [data-testid=case-card]').count(), 2);
  await screenshot(page, 'board.png');

  // Typed as people do: lower case, no dash.
  const typed = made.code.replace('-', '').toLowerCase();
  await page.getByTestId('case-search').fill(typed);
  await page.locator(`[data-testid=board][data-query="${typed}"]`).waitFor();
  assert.equal(pathOf(page), `/cases?q=${typed}`, 'the search is kept in the address');
  const found = page.getByTestId('case-card');
  assert.equal(await found.count(), 1);
  assert.equal(await found.getAttribute('data-case-id'), made.id);

  await page.getByTestId('case-search').fill('no such thing');
  const empty = page.locator('[data-testid=board-empty][data-query="no such thing"]');
  await empty.waitFor();
  assert.match(await empty.innerText(), /No case matches “no such thing”/);
  await screenshot(page, 'board-search-empty.png');
  await page.getByRole('button', { name: 'Clear the search' }).click();
  await page.locator('[data-testid=board][data-query=""]').waitFor();
  assert.equal(await page.getByTestId('case-card').count(), 2);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a status chosen on the card moves it to that column, and the keyboard opens a card', async () => {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/cases`);
  await card(page, made.id).waitFor();
  await card(page, made.id).getByTestId('status-select').selectOption('models_ready');
  const moved = page.locator(`[data-testid=column-models_ready] [data-case-id="${made.id}"]`);
  await moved.waitFor();
  assert.equal(await page.locator(`[data-testid=column-new] [data-case-id="${made.id}"]`).count(), 0);
  // Focus follows the card, so a keyboard user carries on from it.
  await page.waitForFunction(
    (id) => document.activeElement?.closest('[data-case-id]')?.getAttribute('data-case-id') === id,
    made.id,
  );
  await page.reload();
  await moved.waitFor();
  await screenshot(page, 'board-moved.png');

  // Tab from the search box to the card, Enter opens it.
  await page.getByTestId('case-search').focus();
  const target = `/cases/${made.id}`;
  for (let i = 0; i < 30; i += 1) {
    await page.keyboard.press('Tab');
    const href = await page.evaluate(() => document.activeElement?.getAttribute('href'));
    if (href === target) break;
  }
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('href')), target);
  await page.keyboard.press('Enter');
  await waitForPath(page, target);
  await page.getByTestId('case-code').waitFor();
  assert.equal(await page.getByTestId('status-select').inputValue(), 'models_ready');
  assert.deepEqual(problems, []);
  await page.close();
});

test('models uploaded through the API show as stage rows with their triangle counts, and notes are saved', async () => {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/cases/${made.id}`);
  await page.getByTestId('case-code').waitFor();
  const upper = await readFile(corpus('public/dental/ref_upper_tag0.stl'));
  const open = await readFile(corpus('synthetic/open_cube_missing_face.stl'));
  const stages = `/cases/${made.id}/stages`;
  const uploaded = await api(page, 'POST', `${stages}/upper/1/models?file_name=Upper_01.stl`, { bytes: upper });
  await api(page, 'POST', `${stages}/lower/0/models?file_name=Lower_00.stl`, { bytes: open });
  await page.reload();

  const row = page.locator('[data-testid=stage-row][data-arch=upper][data-index="1"]');
  await row.waitFor();
  const triangles = row.getByTestId('model-triangles');
  assert.equal(await triangles.getAttribute('data-count'), '85232');
  assert.equal(await triangles.innerText(), '85\u2009232 triangles');
  assert.equal(await row.getByTestId('model-watertight').innerText(), 'watertight: yes');
  assert.match(await row.innerText(), /1 Dec 2026/, 'aligner 1 is worn from the start date');
  const download = row.getByTestId('model-download');
  assert.equal(await download.innerText(), 'Upper_01.stl');
  assert.equal(await download.getAttribute('href'), uploaded.download_url);
  const bytes = await page.request.get(`${running.server.url}${uploaded.download_url}`);
  assert.equal((await bytes.body()).length, upper.length, 'the link downloads the file');

  const start = page.locator('[data-testid=stage-row][data-arch=lower][data-index="0"]');
  assert.match(await start.innerText(), /0 \(start\)/);
  assert.equal(await start.getByTestId('model-watertight').innerText(), 'watertight: no');
  await screenshot(page, 'case-page-models.png');

  const notes = page.getByTestId('case-notes');
  await notes.fill('Attachments on 13 and 23. Check the fit at appointment 2.');
  await page.getByTestId('save-notes').click();
  await page.getByText('Notes saved.').waitFor();
  await page.reload();
  await notes.waitFor();
  assert.equal(await notes.inputValue(), 'Attachments on 13 and 23. Check the fit at appointment 2.');

  await page.goto(`${running.server.url}/cases`);
  assert.equal(await card(page, made.id).getByTestId('case-models').innerText(), '2 stages with models');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the pages fit a tablet and a phone', async () => {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/cases`);
  await page.setViewportSize({ width: 768, height: 1024 });
  await card(page, made.id).waitFor();
  assert.ok(await fitsWidth(page), 'the board fits 768 px (its columns scroll inside it)');
  await screenshot(page, 'board-tablet.png');
  await page.setViewportSize({ width: 390, height: 844 });
  assert.ok(await fitsWidth(page), 'the board fits a phone');
  await screenshot(page, 'board-phone.png');
  await page.goto(`${running.server.url}/cases/${made.id}`);
  await page.getByTestId('stage-row').first().waitFor();
  assert.ok(await fitsWidth(page), 'the case page fits a phone (its tables scroll inside it)');
  await screenshot(page, 'case-page-phone.png');
  await page.goto(`${running.server.url}/cases/new`);
  await page.getByTestId('create-case').waitFor();
  assert.ok(await fitsWidth(page), 'the new case form fits a phone');
  await screenshot(page, 'new-case-phone.png');
  assert.deepEqual(problems, []);
  await page.close();
});

test('an address naming no case shows "No such case"', async () => {
  const missing = '00000000-0000-4000-8000-000000000000';
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/cases/${missing}`);
  await page.getByTestId('no-such-case').waitFor();
  assert.ok(await page.getByRole('link', { name: 'See all cases' }).isVisible());
  await screenshot(page, 'no-such-case.png');
  assert.deepEqual(unexpected(problems, 404), []);
  await page.close();
});

test('a session that ends sends the user to sign in, and back to where they were', async () => {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/cases/${made.id}`);
  await page.getByTestId('case-code').waitFor();
  // The server no longer knows this browser's session (as after it expired).
  await running.browser.context.clearCookies();
  await page.getByTestId('status-select').selectOption('prepared');
  await waitForPath(page, `/login?next=%2Fcases%2F${made.id}`);
  assert.match(await page.getByTestId('login-notice').innerText(), /session has ended/);
  await screenshot(page, 'login-session-ended.png');
  await signIn(page);
  await waitForPath(page, `/cases/${made.id}`);
  await page.getByTestId('case-code').waitFor();
  assert.equal(await page.getByTestId('status-select').inputValue(), 'models_ready', 'the refused change did not happen');
  assert.deepEqual(unexpected(problems, 401), []);
  await page.close();
});

test('signing out returns to the login page, and the board then asks to sign in; Inspect stays open', async () => {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/cases`);
  await page.getByTestId('sign-out').click();
  await waitForPath(page, '/login');
  assert.equal(await page.getByTestId('login-notice').innerText(), 'You have signed out.');
  await page.goto(`${running.server.url}/cases`);
  await waitForPath(page, '/login?next=%2Fcases');
  await page.getByRole('link', { name: 'Inspect a file' }).first().click();
  await waitForPath(page, '/inspect');
  await page.getByTestId('drop-zone').waitFor();
  assert.deepEqual(problems, []);
  await page.close();
});

test('too many sign-in attempts say how long to wait', async () => {
  const server = await startServer({ owner: OWNER, env: { TRAYFORGE__SERVER__LOGIN_ATTEMPTS_PER_MINUTE: '2' } });
  try {
    const { page, problems } = await openPage(running.browser.context, `${server.url}/login`);
    const error = page.getByTestId('login-error');
    for (let attempt = 1; attempt <= 2; attempt += 1) {
      await signIn(page, `wrong ${attempt}`);
      await page.getByText('The email address or the password is wrong.').waitFor();
    }
    await signIn(page, 'wrong 3');
    await page.getByText(/^Too many attempts/).waitFor();
    assert.match(await error.innerText(), /^Too many attempts; wait \d+ s and try again\.$/);
    await screenshot(page, 'login-rate-limited.png');
    assert.deepEqual(unexpected(problems, 401, 429), []);
    await page.close();
  } finally {
    await server.stop();
  }
});
