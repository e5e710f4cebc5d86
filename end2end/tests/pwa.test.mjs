// The app as an installable PWA: a manifest with icons, and a service
// worker that opens the app offline once it has been opened online.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corpus, openPage, screenshot, serverAndBrowser } from './support.mjs';

const running = serverAndBrowser();

test('the manifest names the app and its icons, and every icon is served', async () => {
  const { page, problems } = await openPage(running.browser.context, running.server.url);
  const href = await page.locator('link[rel=manifest]').getAttribute('href');
  const manifest = await (await page.request.get(new URL(href, running.server.url).href)).json();
  assert.equal(manifest.name, 'Trayforge');
  assert.equal(manifest.display, 'standalone');
  const sizes = manifest.icons.map((icon) => icon.sizes);
  assert.ok(sizes.includes('192x192') && sizes.includes('512x512'), `icon sizes: ${sizes}`);
  for (const icon of manifest.icons) {
    const response = await page.request.get(new URL(icon.src, running.server.url).href);
    assert.equal(response.status(), 200, icon.src);
    assert.equal(response.headers()['content-type'], icon.type, icon.src);
  }
  assert.deepEqual(problems, []);
  await page.close();
});

test('once opened online, the app opens and reads a model offline', async () => {
  const { page, problems } = await openPage(running.browser.context, `${running.server.url}/inspect`);
  // Wait until the service worker is installed and controls the page.
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

  await running.browser.context.setOffline(true);
  try {
    await page.reload();
    await page.locator('[data-testid=drop-zone]').waitFor({ timeout: 30_000 });
    await page.setInputFiles('[data-testid=file-input]', corpus('synthetic/cube_binary.stl'));
    await page.locator('[data-testid=triangle-count][data-count="12"]').waitFor({ timeout: 30_000 });
    await screenshot(page, 'pwa-offline.png');
  } finally {
    await running.browser.context.setOffline(false);
  }
  assert.deepEqual(problems, []);
  await page.close();
});
