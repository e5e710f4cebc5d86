// The clinic's admin pages against the real server: an owner adds people
// and changes a role, a technician (in a second browser) sees neither the
// Admin entry nor patient names and is signed out when disabled, an API
// token is shown once, works and is revoked, a webhook is added and
// deleted (and the cap of 20 is the server's message), a case's activity
// names who did what, and a person changes their own password.
//
// The tests run in order and build on each other: one clinic, one browser
// for the owner, a second one for the technician.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { stageShown } from './viewer_support.mjs';
import {
  callApi, corpus, fitsWidth, launchBrowser, openPage, screenshot, serverAndBrowser, signIn, unexpected, waitForPath,
} from './support.mjs';

const OWNER = { clinic: 'Smile Lab', email: 'owner@smile.example', password: 'correct horse battery staple' };
const CLINICIAN = { name: 'Dr Ana Ruiz', email: 'ana@smile.example', password: 'clinician password one' };
const TECHNICIAN = { name: 'Tess Tech', email: 'tess@smile.example' };
const NEW_OWNER_PASSWORD = 'a brand new owner password';
// A webhook delivery is tried once, at once: a receiver that is not there fails for good.
const running = serverAndBrowser({
  owner: OWNER,
  env: { TRAYFORGE__JOBS__WEBHOOK_MAX_ATTEMPTS: '1', TRAYFORGE__JOBS__POLL_INTERVAL_MS: '100' },
});
/** What the tests learn as they go. */
const made = {};

after(async () => {
  await made.technicianBrowser?.close();
});

/** A request through the owner's browser cookies, with the session's CSRF token. */
async function api(page, method, path, options) {
  return callApi(page, running.server.url, method, path, options);
}

/** Waits for the answer to a request the page makes, e.g. `PATCH /users/`. */
function answerTo(page, method, pathPart) {
  return page.waitForResponse((response) => response.request().method() === method && response.url().includes(pathPart));
}

function userRow(page, email) {
  return page.locator(`[data-testid=user-row][data-email="${email}"]`);
}


test('the owner adds a technician and a clinician (temporary passwords shown once) and changes the clinician’s role; the server’s refusals show where they apply', async () => {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/login`);
  await signIn(page, OWNER);
  await waitForPath(page, '/cases');
  await page.getByTestId('admin-link').click();
  await waitForPath(page, '/admin/users');
  await userRow(page, OWNER.email).waitFor();
  made.ownerName = await page.getByTestId('user-name').innerText();

  // The technician, with the password the page made up, and Enter to submit.
  await page.getByTestId('new_user_name').fill(TECHNICIAN.name);
  await page.getByTestId('new_user_email').fill(TECHNICIAN.email);
  await page.getByTestId('new_user_role').selectOption('technician');
  const offered = await page.getByTestId('new_user_password').inputValue();
  assert.ok(offered.length >= 12, `a usable temporary password is offered: ${offered}`);
  await page.getByTestId('new_user_email').press('Enter');
  await page.locator('#password-dialog[open]').waitFor();
  assert.equal(await page.locator('#password-dialog [data-testid=secret-value]').inputValue(), offered);
  assert.match(await page.locator('#password-dialog [data-testid=secret-warning]').innerText(), /you will not see it again/);
  assert.equal(await page.evaluate(() => document.activeElement?.closest('dialog')?.id), 'password-dialog', 'focus moved into the dialog');
  await screenshot(page, 'admin-users-password-once.png');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('#password-dialog').open);
  made.technicianPassword = offered;
  await userRow(page, TECHNICIAN.email).waitFor();
  assert.equal(await userRow(page, TECHNICIAN.email).getByTestId('user-role-select').inputValue(), 'technician');

  // The same email again: the server's message sits next to the field.
  await page.getByTestId('new_user_name').fill('Someone Else');
  await page.getByTestId('new_user_email').fill(TECHNICIAN.email.toUpperCase());
  await page.getByTestId('add-person-submit').click();
  const emailError = page.getByTestId('new_user_email-error');
  await emailError.waitFor();
  assert.equal(await emailError.innerText(), 'This email address cannot be used for a new account; use another address.');
  assert.equal(await page.getByTestId('new_user_email').getAttribute('aria-invalid'), 'true');

  // The clinician, with a password of the owner's choosing.
  await page.getByTestId('new_user_name').fill(CLINICIAN.name);
  await page.getByTestId('new_user_email').fill(CLINICIAN.email);
  await page.getByTestId('new_user_role').selectOption('clinician');
  await page.getByTestId('new_user_password').fill(CLINICIAN.password);
  await page.getByTestId('add-person-submit').click();
  await page.locator('#password-dialog[open]').waitFor();
  assert.equal(await page.locator('#password-dialog [data-testid=secret-value]').inputValue(), CLINICIAN.password);
  await page.locator('#password-dialog').getByTestId('close-dialog').click();
  await userRow(page, CLINICIAN.email).waitFor();
  assert.equal(await page.getByTestId('user-row').count(), 3);

  // A role change, kept after a reload.
  const changed = answerTo(page, 'PATCH', '/api/v1/users/');
  await userRow(page, CLINICIAN.email).getByTestId('user-role-select').selectOption('admin');
  assert.equal((await changed).status(), 200);
  await page.reload();
  await userRow(page, CLINICIAN.email).waitFor();
  assert.equal(await userRow(page, CLINICIAN.email).getByTestId('user-role-select').inputValue(), 'admin');

  // The only owner demoting themselves is refused: the message shows on the owner's row, and the menu goes back.
  const own = userRow(page, OWNER.email);
  await own.getByTestId('user-role-select').selectOption('clinician');
  const refusal = own.getByTestId('row-problem');
  await refusal.waitFor();
  assert.equal(
    await refusal.innerText(),
    'The clinic must keep at least one enabled owner; make another person an owner first, then change this account.',
  );
  assert.equal(await own.getByTestId('user-role-select').inputValue(), 'owner');
  await screenshot(page, 'admin-users.png');
  assert.deepEqual(unexpected(problems, 409), []);
  await page.close();
});

test('a technician, in another browser, sees no Admin entry and no patient names; an admin page shows the server’s reason', async () => {
  const { page: ownerPage } = await openPage(running.browser.context, `${running.server.url}/cases`);
  const created = await api(ownerPage, 'POST', '/cases', { json: { title: 'Crowding upper', patient: { full_name: 'Ada Lovelace' } } });
  made.caseId = created.id;
  made.caseCode = created.patient.code;
  await ownerPage.close();

  made.technicianBrowser = await launchBrowser();
  const { page, problems } = await openPage(made.technicianBrowser.context, `${running.server.url}/login`);
  await signIn(page, { email: TECHNICIAN.email, password: made.technicianPassword });
  await waitForPath(page, '/cases');
  const card = page.locator(`[data-testid=case-card][data-case-id="${made.caseId}"]`);
  await card.waitFor();
  assert.equal(await page.getByTestId('user-role').innerText(), 'Technician');
  assert.equal(await page.getByTestId('admin-link').count(), 0, 'no Admin entry for a technician');
  assert.equal(await card.getByTestId('case-code').innerText(), made.caseCode);
  assert.doesNotMatch(await page.locator('main').innerText(), /Ada Lovelace/);

  await page.goto(`${running.server.url}/cases/${made.caseId}`);
  await page.getByTestId('case-code').waitFor();
  assert.equal(await page.getByTestId('patient-name').innerText(), '—');
  assert.doesNotMatch(await page.locator('main').innerText(), /Ada Lovelace/);

  const reasons = {
    users: "Only a signed-in owner or admin can manage the clinic's users.",
    tokens: 'Only a signed-in owner or admin can manage API tokens.',
    webhooks: 'Only a signed-in owner or admin can manage webhooks.',
  };
  for (const [admin, reason] of Object.entries(reasons)) {
    await page.goto(`${running.server.url}/admin/${admin}`);
    const message = page.getByTestId('access-refused-message');
    await message.waitFor();
    assert.equal(await message.innerText(), reason, `the server's reason for /admin/${admin}`);
  }
  await screenshot(page, 'admin-refused-technician.png');
  assert.deepEqual(unexpected(problems, 403), []);
  made.technicianPage = page;
});

test('the owner disables the technician after a confirm step (Escape steps back); the technician’s next page load asks to sign in', async () => {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/admin/users`);
  const row = userRow(page, TECHNICIAN.email);
  await row.waitFor();
  await row.getByTestId('toggle-disabled').click();
  const confirm = row.getByTestId('toggle-disabled-confirm');
  await confirm.waitFor();
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'toggle-disabled-confirm');
  assert.match(await row.innerText(), /Disable Tess Tech\? They are signed out at once/);
  await page.keyboard.press('Escape');
  await row.getByTestId('toggle-disabled').waitFor();
  assert.equal(await row.getByTestId('user-state').innerText(), 'Active', 'Escape changed nothing');

  await row.getByTestId('toggle-disabled').click();
  await confirm.click();
  await row.locator('[data-testid=user-state]', { hasText: 'Disabled' }).waitFor();
  assert.equal(await row.getByTestId('toggle-disabled').innerText(), 'Enable');
  assert.deepEqual(problems, []);
  await page.close();

  const technician = made.technicianPage;
  await technician.goto(`${running.server.url}/cases`);
  await waitForPath(technician, '/login?next=%2Fcases');
  await technician.close();
});

test('a new password for a colleague is shown once and signs them in', async () => {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/admin/users`);
  const row = userRow(page, CLINICIAN.email);
  await row.waitFor();
  await row.getByTestId('reset-password').click();
  await page.locator('#reset-dialog[open]').waitFor();
  assert.equal(await page.locator('#reset-dialog h2').innerText(), `New password for ${CLINICIAN.name}`);
  await page.waitForFunction(() => document.activeElement?.id === 'reset_password', null, { timeout: 5_000 });
  await page.getByTestId('reset_password').fill('short');
  await page.getByTestId('reset_password').press('Enter');
  await page.getByTestId('reset_password-error').waitFor();
  assert.match(await page.getByTestId('reset_password-error').innerText(), /12/, 'the server says how long a password must be');
  await page.getByTestId('reset_password').fill('a temporary password for ana');
  await page.getByTestId('reset_password').press('Enter');
  await page.locator('#password-dialog[open]').waitFor();
  assert.equal(await page.locator('#password-dialog [data-testid=secret-value]').inputValue(), 'a temporary password for ana');
  assert.match(await page.locator('#password-dialog').innerText(), /Dr Ana Ruiz \(ana@smile.example\) is signed out everywhere/);
  await screenshot(page, 'admin-users-reset.png');
  await page.locator('#password-dialog').getByTestId('close-dialog').click();

  const login = await fetch(`${running.server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: CLINICIAN.email, password: 'a temporary password for ana' }),
  });
  assert.equal(login.status, 200);
  assert.deepEqual(unexpected(problems, 422), []);
  await page.close();
});

test('an API token: its secret is shown once, works from outside the browser, and stops working when revoked', async () => {
  await running.browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: running.server.url });
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/admin/tokens`);
  await page.getByTestId('no-tokens').waitFor();

  await page.getByTestId('create-token').click();
  const nameError = page.getByTestId('token_name-error');
  await nameError.waitFor();
  assert.equal(await nameError.innerText(), 'Give the token a name of 1 to 100 characters.');

  await page.getByTestId('token_name').fill('Lab system');
  assert.ok(await page.getByTestId('token-scopes-read').isChecked(), 'read is ticked to begin with');
  assert.equal(await page.getByTestId('token-lifetime').inputValue(), '365', 'a year to begin with');
  await page.getByTestId('token-lifetime').selectOption('90');
  await page.getByTestId('token_name').press('Enter');
  await page.locator('#token-dialog[open]').waitFor();
  const secret = await page.locator('#token-dialog [data-testid=secret-value]').inputValue();
  assert.ok(secret.length >= 20, `a secret is shown: ${secret}`);
  assert.match(await page.locator('#token-dialog').innerText(), /you will not see it again/);
  await page.locator('#token-dialog').getByTestId('copy-secret').click();
  await page.locator('#token-dialog').getByText('Copied.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
  await screenshot(page, 'admin-tokens-secret-once.png');
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('#token-dialog').open);

  const row = page.locator('[data-testid=token-row][data-name="Lab system"]');
  await row.waitFor();
  assert.equal(await row.getByTestId('token-scopes').innerText(), 'Scopes: read');
  const expires = (await row.getByTestId('token-expiry').innerText()).match(/^Expires (\d+ \w+ \d{4}), \d\d:\d\d UTC$/);
  assert.ok(expires, 'the row says when it expires');
  const days = (Date.parse(expires[1]) - Date.now()) / 86_400_000;
  assert.ok(days > 88 && days < 91, `in about 90 days: ${expires[1]}`);
  assert.match(await page.getByTestId('pager').innerText(), /^← Previous\s+Page 1 of 1 · 1 token\s+Next →$/);
  assert.ok(await page.getByTestId('pager').getByRole('button', { name: 'Next →' }).isDisabled(), 'no next page');
  assert.ok(!(await page.locator('main').innerText()).includes(secret), 'the list never shows the secret');

  const asToken = () => fetch(`${running.server.url}/api/v1/cases`, { headers: { Authorization: `Bearer ${secret}` } });
  const works = await asToken();
  assert.equal(works.status, 200);
  assert.ok((await works.json()).items.some((item) => item.id === made.caseId));

  await row.getByTestId('revoke-token').click();
  await row.getByTestId('revoke-token-confirm').click();
  await page.locator('[data-testid=token-row][data-name="Lab system"][data-revoked=true]').waitFor();
  assert.match(await page.getByTestId('token-state').innerText(), /^Revoked \d+ \w+ \d{4}, \d\d:\d\d UTC$/);
  assert.equal((await asToken()).status, 401);
  await screenshot(page, 'admin-tokens.png');
  assert.deepEqual(unexpected(problems, 422), []);
  await page.close();
});

test('a webhook: events are required, its signing secret is shown once, the cap of 20 is the server’s message, and it is deleted after a confirm step', async () => {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/admin/webhooks`);
  await page.getByTestId('no-webhooks').waitFor();
  await page.getByTestId('webhook_url').fill('https://pms.example/trayforge');
  await page.getByTestId('create-webhook').click();
  await page.getByTestId('webhook-events-error').waitFor();

  await page.getByTestId('webhook-events-case.created').check();
  await page.getByTestId('webhook-events-files.uploaded').check();
  await page.getByTestId('webhook_url').press('Enter');
  await page.locator('#webhook-dialog[open]').waitFor();
  const secret = await page.locator('#webhook-dialog [data-testid=secret-value]').inputValue();
  assert.ok(secret.length >= 20, `a signing secret is shown: ${secret}`);
  await page.locator('#webhook-dialog').getByTestId('close-dialog').click();
  const row = page.locator('[data-testid=webhook-row][data-url="https://pms.example/trayforge"]');
  await row.waitFor();
  assert.equal(await row.getByTestId('webhook-events').innerText(), 'Case created, Files uploaded');
  assert.equal(await row.getByTestId('webhook-last-delivery').innerText(), 'Last delivery: Nothing delivered yet');
  assert.ok(!(await page.locator('main').innerText()).includes(secret), 'the list never shows the secret');

  // A new case is delivered to a port nobody listens on: the row says when and why it failed.
  await api(page, 'POST', '/cases', { json: { title: 'Delivery check' } });
  const failure = row.getByTestId('webhook-last-failure');
  const deadline = Date.now() + 15_000;
  while (!(await failure.count()) && Date.now() < deadline) {
    await Promise.all([page.waitForResponse((response) => response.url().endsWith('/api/v1/webhooks')), page.reload()]);
    await row.waitFor();
  }
  assert.match(await failure.innerText(), /^Last failure: \d+ \w+ \d{4}, \d\d:\d\d UTC: .+/);
  assert.match(await row.getByTestId('webhook-last-delivery').innerText(), /^Last delivery: Failed for good, \d+ \w+ \d{4}, \d\d:\d\d UTC: .+/);
  await screenshot(page, 'admin-webhooks.png');

  // Up to the cap through the API; the page's next one is refused with the server's message.
  const extra = [];
  for (let n = 2; n <= 20; n += 1) {
    extra.push(await api(page, 'POST', '/webhooks', { json: { url: `https://pms.example/hook-${n}`, events: ['case.updated'] } }));
  }
  await page.getByTestId('webhook_url').fill('https://pms.example/one-too-many');
  await page.getByTestId('webhook-events-stage.updated').check();
  await page.getByTestId('create-webhook').click();
  const capped = page.getByTestId('webhook-form-error');
  await capped.waitFor();
  assert.match(await capped.innerText(), /^This clinic has 20 webhooks already; delete one it no longer needs/);
  for (const hook of extra) await api(page, 'DELETE', `/webhooks/${hook.webhook.id}`);

  await page.reload();
  await row.waitFor();
  assert.equal(await page.getByTestId('webhook-row').count(), 1);
  await row.getByTestId('delete-webhook').click();
  await row.getByTestId('delete-webhook-confirm').click();
  await page.getByTestId('no-webhooks').waitFor();
  assert.deepEqual(unexpected(problems, 409, 422), []);
  await page.close();
});

test('the case page’s Activity names who did what, newest first, and "Show more" pages back to the creation', async () => {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/cases/${made.caseId}`);
  await page.getByTestId('case-code').waitFor();
  const model = await readFile(corpus('synthetic/cube_binary.stl'));
  const stage = `/cases/${made.caseId}/stages/upper/3/models`;
  await api(page, 'POST', `${stage}?file_name=Upper_03.stl`, { bytes: model });
  await api(page, 'POST', `${stage}?file_name=Upper_03b.stl`, { bytes: model });
  // More than a page of activity: 20 note edits.
  for (let n = 1; n <= 20; n += 1) {
    await api(page, 'PATCH', `/cases/${made.caseId}`, { json: { notes: `Check ${n}` } });
  }
  // The treatment viewer opens on the first stage with a model, 3, and
  // downloads it once (an audited download); a reload takes it from the cache.
  await page.reload();
  await stageShown(page, 3);
  const all = await api(page, 'GET', `/cases/${made.caseId}/activity?limit=200`);
  assert.equal(all.total, 24);
  assert.equal(all.items[0].action, 'file.download');

  await page.reload();
  const entries = page.getByTestId('activity-entry');
  await entries.first().waitFor();
  assert.equal(await entries.count(), 20, 'one page of 20');
  assert.equal(await entries.first().locator('.activity-what').innerText(), `${made.ownerName} downloaded Upper_03b.stl`);
  assert.equal(await entries.nth(1).locator('.activity-what').innerText(), `${made.ownerName} edited the notes`);
  await page.getByTestId('activity-more').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=activity-entry]').length === 24);
  const lines = await page.locator('[data-testid=activity-entry] .activity-what').allInnerTexts();
  assert.deepEqual(lines.slice(-3), [
    `${made.ownerName} uploaded upper stage 3 model (v2)`,
    `${made.ownerName} uploaded upper stage 3 model (v1)`,
    `${made.ownerName} created the case “Crowding upper”`,
  ]);
  assert.equal(await page.getByTestId('activity-more').count(), 0, 'nothing more to show');
  assert.match(await entries.last().locator('time').innerText(), /^\d+ \w+ \d{4}, \d\d:\d\d UTC$/);
  await page.getByTestId('case-activity').scrollIntoViewIfNeeded();
  await screenshot(page, 'case-activity.png');
  assert.deepEqual(problems, []);
  await page.close();
});

test('the admin pages fit a tablet and a phone', async () => {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/admin/users`);
  for (const [width, height, label] of [[768, 1024, 'tablet'], [390, 844, 'phone']]) {
    await page.setViewportSize({ width, height });
    for (const admin of ['users', 'tokens', 'webhooks']) {
      await page.goto(`${running.server.url}/admin/${admin}`);
      await page.getByTestId(`admin-${admin}`).waitFor();
      await page.locator('.admin-page .hint[role=status]').waitFor({ state: 'detached' });
      assert.ok(await fitsWidth(page), `/admin/${admin} fits ${width} px`);
      assert.equal(await page.getByTestId('admin-link').getAttribute('aria-current'), 'page', 'the header marks Admin');
      await screenshot(page, `admin-${admin}-${label}.png`);
    }
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('change my password: a wrong current password is named; the new one signs in', async () => {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/cases`);
  await page.getByTestId('change-password').click();
  await page.locator('#change-password-dialog[open]').waitFor();
  await page.waitForFunction(() => document.activeElement?.id === 'current_password');
  await page.getByTestId('current_password').fill('not my password at all');
  await page.getByTestId('new_password').fill(NEW_OWNER_PASSWORD);
  await page.getByTestId('repeat_password').fill(NEW_OWNER_PASSWORD);
  await page.getByTestId('repeat_password').press('Enter');
  const wrong = page.getByTestId('current_password-error');
  await wrong.waitFor();
  assert.equal(await wrong.innerText(), 'The current password is wrong; type the password you signed in with.');
  await screenshot(page, 'change-password-wrong.png');

  await page.getByTestId('current_password').fill(OWNER.password);
  await page.getByTestId('repeat_password').press('Enter');
  await page.getByTestId('password-changed').waitFor();
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('#change-password-dialog').open);
  await page.waitForFunction(() => document.activeElement?.dataset.testid === 'change-password', null, { timeout: 5_000 });

  await page.getByTestId('sign-out').click();
  await waitForPath(page, '/login');
  await signIn(page, OWNER);
  await page.getByTestId('login-error').waitFor();
  await signIn(page, { email: OWNER.email, password: NEW_OWNER_PASSWORD });
  await waitForPath(page, '/cases');
  assert.deepEqual(unexpected(problems, 401, 422), []);
  await page.close();
});
