// The page the wasm benchmarks run in: the real server and the app's page
// in headless Chromium, with the benchmark's input files answered by
// Playwright (the server never sees them), and `window.wasmBindings` ready.
import { launchBrowser, openPage, startServer } from '../tests/support.mjs';

/**
 * Serves `inputs` (path → bytes) to the app's page, runs `measure(args)`
 * in it once `window.wasmBindings.MeshForBenchmark` is there, and returns
 * its result and the page's problems (console errors, uncaught
 * exceptions), to which the caller adds its own.
 */
export async function measureInAppPage(inputs, measure, args) {
  const server = await startServer();
  let browser;
  try {
    browser = await launchBrowser();
    const origin = new URL(server.url).origin;
    await browser.context.route((url) => url.origin === origin && url.pathname in inputs, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/octet-stream',
        body: inputs[new URL(route.request().url()).pathname],
      }),
    );
    const { page, problems } = await openPage(browser.context, `${origin}/`);
    await page.waitForFunction(() => typeof window.wasmBindings?.MeshForBenchmark === 'function', null, {
      timeout: 30_000,
    });
    const figures = await page.evaluate(measure, args);
    await page.close();
    return { figures, problems };
  } finally {
    await browser?.close();
    await server.stop();
  }
}

/** The median of `values`. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Prints the problems and sets a failing exit code, when there are any. */
export function reportProblems(problems) {
  if (problems.length > 0) {
    console.error(`FAILED:\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
    process.exitCode = 1;
  }
}
