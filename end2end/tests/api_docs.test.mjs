// The browsable API reference: Swagger UI at /api/docs, served whole by our
// server (nothing from other origins, so it works offline), showing every
// operation of /api/v1/openapi.json and calling the API from the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, screenshot, serverAndBrowser } from './support.mjs';

const running = serverAndBrowser();

test('Swagger UI shows every operation of the document, loading nothing from elsewhere', async () => {
  const context = running.browser.context;
  const page = await context.newPage();
  const requested = [];
  const failed = [];
  page.on('request', (request) => requested.push(request.url()));
  page.on('requestfailed', (request) => failed.push(`${request.url()}: ${request.failure()?.errorText}`));
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  await page.goto(`${running.server.url}/api/docs`);

  const document = await (await page.request.get(`${running.server.url}/api/v1/openapi.json`)).json();
  const expected = Object.entries(document.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
  const last = expected[expected.length - 1].split(' ')[1];
  await page.locator(`.opblock-summary-path[data-path="${last}"]`).first().waitFor({ timeout: 30_000 });
  const shown = await page.locator('.opblock-summary').evaluateAll((summaries) =>
    summaries.map((summary) => {
      const method = summary.querySelector('.opblock-summary-method').textContent.trim();
      return `${method} ${summary.querySelector('.opblock-summary-path').getAttribute('data-path')}`;
    }));
  assert.deepEqual(shown.sort(), expected);
  assert.match(await page.locator('.info .title').innerText(), /Trayforge API/);

  const origin = new URL(running.server.url).origin;
  const elsewhere = requested.filter((url) => !url.startsWith(origin) && !url.startsWith('data:'));
  assert.deepEqual(elsewhere, [], 'every file of the page comes from our server');
  assert.deepEqual(failed, []);
  await screenshot(page, 'api-docs.png');
  assert.deepEqual(problems, []);
  await page.close();
});

test('"Try it out" calls the API from the page and shows its answer', async () => {
  const { page } = await openPage(running.browser.context, `${running.server.url}/api/docs/`);
  const answer = await execute(page, 'auth-me');
  assert.equal(answer.status(), 401, 'not signed in');
  const operation = page.locator('#operations-auth-me');
  const shown = operation.locator('.live-responses-table tbody td.response-col_status').first();
  await shown.waitFor();
  assert.equal((await shown.innerText()).trim(), '401');
  assert.match(await operation.locator('.live-responses-table').innerText(), /unauthenticated/);
  await page.close();
});

/** Opens an operation's panel (Try it out is on by default) and executes it, with `body` when given. */
async function execute(page, id, body) {
  const operation = page.locator(`#operations-${id}`);
  await operation.waitFor({ timeout: 30_000 });
  if (!(await operation.locator('.execute').isVisible())) {
    await operation.locator('.opblock-summary').click();
  }
  if (body !== undefined) {
    await operation.locator('textarea.body-param__text').fill(JSON.stringify(body));
  }
  const [answer] = await Promise.all([
    page.waitForResponse((response) => response.request().method() !== 'OPTIONS' && response.url().includes('/api/v1/')),
    operation.locator('.execute').click(),
  ]);
  return answer;
}

test('signed in from the page, with the CSRF token authorized, a write goes through', async () => {
  const password = running.server.output().match(/password: (\S+)/)?.[1];
  assert.ok(password, 'the demo owner\'s password is printed at the first start');
  const { page } = await openPage(running.browser.context, `${running.server.url}/api/docs/`);

  const login = await execute(page, 'auth-login', { email: 'admin@demo.invalid', password });
  assert.equal(login.status(), 200);
  const { csrf_token: csrf } = await login.json();

  // Without the CSRF header the signed-in write is refused…
  const refused = await execute(page, 'tokens-create_token', { name: 'from the docs', scopes: ['read'] });
  assert.equal(refused.status(), 403);

  // … and with it, given once to Authorize, it goes through.
  await page.locator('.auth-wrapper .authorize').click();
  const dialog = page.locator('.dialog-ux');
  await dialog.locator('.auth-container', { hasText: 'csrf_token' }).locator('input').fill(csrf);
  await dialog.locator('.auth-container', { hasText: 'csrf_token' }).locator('button.authorize').click();
  await dialog.locator('button.btn-done').first().click();
  const created = await execute(page, 'tokens-create_token', { name: 'from the docs', scopes: ['read'] });
  assert.equal(created.status(), 201);
  assert.equal((await created.json()).token.name, 'from the docs');
  await screenshot(page, 'api-docs-write.png');
  await page.close();
});
