// What the viewer tests share: model files changed as a later stage would be,
// and reading back what the treatment viewer's canvas shows.
/**
 * A binary STL's triangles with every vertex mapped by `move`, keeping
 * those `keep` accepts (by index): a new file, as a clinic's later stage.
 */
export function transformedStl(bytes, move, keep = () => true) {
  const count = bytes.readUInt32LE(80);
  const kept = [];
  for (let i = 0; i < count; i += 1) {
    if (keep(i)) kept.push(i);
  }
  const out = Buffer.alloc(84 + 50 * kept.length);
  out.writeUInt32LE(kept.length, 80);
  kept.forEach((i, n) => {
    const from = 84 + 50 * i;
    const to = 84 + 50 * n;
    bytes.copy(out, to, from, from + 50);
    for (let v = 0; v < 3; v += 1) {
      const at = to + 12 + 12 * v;
      const moved = move([out.readFloatLE(at), out.readFloatLE(at + 4), out.readFloatLE(at + 8)]);
      moved.forEach((value, axis) => out.writeFloatLE(value, at + 4 * axis));
    }
  });
  return out;
}

export const shift = ([dx, dy, dz]) => ([x, y, z]) => [x + dx, y + dy, z + dz];
export const scale = (k) => ([x, y, z]) => [x * k, y * k, z * k];


/**
 * The viewer canvas (the first, or the one `selector` names): a hash of its
 * pixels and counts of the colours the tests look for.
 */
export async function canvasPixels(page, selector = '[data-testid=viewer]') {
  const { hash, ...counts } = await page.evaluate((selector) => {
    const source = document.querySelector(selector);
    const copy = document.createElement('canvas');
    copy.width = source.width;
    copy.height = source.height;
    const context = copy.getContext('2d');
    context.drawImage(source, 0, 0);
    const { data } = context.getImageData(0, 0, copy.width, copy.height);
    let model = 0;
    let ramp = 0;
    let highlight = 0;
    let h = 2166136261;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
      if (r - b > 50 && g < r) model += 1;
      if (b - r > 60 || g - r > 60) ramp += 1;
      if (r > 170 && b > 170 && g < 90) highlight += 1;
      h = Math.imul(h ^ (r | (g << 8) | (b << 16)), 16777619) >>> 0;
    }
    return { total: data.length / 4, model, ramp, highlight, hash: h.toString(16) };
  }, selector);
  return { ...counts, hash };
}

/** Resolves once the page has drawn its pending frames (two animation frames later). */
export async function settled(page) {
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** Waits until `stage`'s models are loaded and drawn. */
export async function stageShown(page, stage) {
  await page.locator(`[data-testid=stage-label][data-stage="${stage}"]`).waitFor({ timeout: 30_000 });
  await page.locator(`.stage-dots li:nth-child(${stage + 1})[data-state=ready]`).waitFor({ timeout: 60_000 });
  await page.locator('.arch-note.loading').waitFor({ state: 'detached', timeout: 60_000 });
  await settled(page);
}

/** Two model pixels well inside the drawn arches, left and right, in page coordinates. */
export async function twoModelPoints(page) {
  return modelPoints(page, [0.1, 0.9]);
}

/**
 * Model pixels well inside the drawn models of the viewer `selector` names,
 * in page coordinates: for each of `fractions` (0 to 1), the pixel that far
 * from the left among them; `null` when too few pixels show a model.
 */
export async function modelPoints(page, fractions, selector = '[data-testid=viewer]') {
  return page.evaluate(([fractions, selector]) => {
    const source = document.querySelector(selector);
    const copy = document.createElement('canvas');
    copy.width = source.width;
    copy.height = source.height;
    const context = copy.getContext('2d');
    context.drawImage(source, 0, 0);
    const { data, width, height } = context.getImageData(0, 0, copy.width, copy.height);
    const isModel = (x, y) => {
      const i = 4 * (y * width + x);
      return data[i] - data[i + 2] > 50;
    };
    const inside = (x, y) => [-4, 0, 4].every((dx) => [-4, 0, 4].every((dy) => isModel(x + dx, y + dy)));
    const found = [];
    for (let y = 5; y < height - 5; y += 3) {
      for (let x = 5; x < width - 5; x += 3) {
        if (inside(x, y)) found.push([x, y]);
      }
    }
    if (found.length < fractions.length) return null;
    found.sort((a, b) => a[0] - b[0]);
    const rect = source.getBoundingClientRect();
    const toPage = ([x, y]) => ({ x: rect.left + (x / width) * rect.width, y: rect.top + (y / height) * rect.height });
    return fractions.map((fraction) => toPage(found[Math.min(found.length - 1, Math.floor(found.length * fraction))]));
  }, [fractions, selector]);
}
