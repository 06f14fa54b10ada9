// Helpers of the browser tests: test files made on the fly, sign-in, screenshots.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { artifactsDir, environment } from './environment.mjs';

export const MiB = 1024 * 1024;

/** A valid RGB PNG of the given size (a colour gradient), so that an <img> really decodes it. */
export function makePng(width, height) {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const p = row + 1 + x * 3;
      raw[p] = Math.round((x / Math.max(1, width - 1)) * 255);
      raw[p + 1] = Math.round((y / Math.max(1, height - 1)) * 255);
      raw[p + 2] = 160;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const b of buffer) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export function sha256(buffer) {
  return createHash('sha256').update(buffer).digest('hex');
}

/**
 * Makes a file of `size` pseudo-random bytes *inside the page*, selects it in the file input `selector` (as a user
 * would) and fires `change`. Returns its SHA-256 (hex), computed in the page. Big test files never cross the
 * DevTools protocol and nothing big is committed.
 */
export async function selectGeneratedFile(page, selector, { name, type, size, seed = 1 }) {
  return page.evaluate(async ({ selector, name, type, size, seed }) => {
    const bytes = new Uint8Array(size);
    // xorshift32: fast, deterministic, incompressible enough
    let x = seed >>> 0 || 1;
    const words = new Uint32Array(bytes.buffer, 0, Math.floor(size / 4));
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      words[i] = x;
    }
    for (let i = words.length * 4; i < size; i++) bytes[i] = i & 0xff;
    const file = new File([bytes], name, { type, lastModified: 1_700_000_000_000 + seed });
    window.__testFiles ??= {};
    window.__testFiles[name] = file;
    const digest = await crypto.subtle.digest('SHA-256', bytes);
    const input = document.querySelector(selector);
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
  }, { selector, name, type, size, seed });
}

/**
 * Draws images *inside the page* (an OffscreenCanvas gradient with some noise, so that they compress like photos),
 * encodes each as `type` (image/jpeg or image/png), and selects them all at once in the file input `selector` as a
 * user choosing several photos would. `specs`: [{ name, type, width, height }]. Returns [{ name, type, size }].
 */
export async function selectGeneratedImages(page, selector, specs) {
  return page.evaluate(async ({ selector, specs }) => {
    const transfer = new DataTransfer();
    const made = [];
    for (const [i, { name, type, width, height }] of specs.entries()) {
      const canvas = new OffscreenCanvas(width, height);
      const g = canvas.getContext('2d');
      const gradient = g.createLinearGradient(0, 0, width, height);
      gradient.addColorStop(0, `hsl(${(i * 67) % 360} 70% 45%)`);
      gradient.addColorStop(1, `hsl(${(i * 67 + 150) % 360} 60% 70%)`);
      g.fillStyle = gradient;
      g.fillRect(0, 0, width, height);
      const noise = g.getImageData(0, 0, width, height);
      let x = (i + 1) * 2654435761 >>> 0;
      for (let p = 0; p < noise.data.length; p += 4) {
        x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
        noise.data[p] = Math.min(255, noise.data[p] + (x & 31));
        noise.data[p + 1] = Math.min(255, noise.data[p + 1] + ((x >>> 5) & 31));
        noise.data[p + 2] = Math.min(255, noise.data[p + 2] + ((x >>> 10) & 31));
      }
      g.putImageData(noise, 0, 0);
      const blob = await canvas.convertToBlob({ type, quality: 0.85 });
      if (blob.type !== type) throw new Error(`the browser encoded ${blob.type}, not ${type}`);
      transfer.items.add(new File([blob], name, { type, lastModified: 1_700_000_000_000 + i }));
      made.push({ name, type, size: blob.size });
    }
    const input = document.querySelector(selector);
    input.files = transfer.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    return made;
  }, { selector, specs });
}

/** Opens a page of the app and waits until its module script has run. */
export async function openPage(context, baseUrl, pathname) {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  page.pageErrors = errors;
  await page.goto(`${baseUrl}${pathname}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return page;
}

/** Signs in through the page's "Sign in as demo user" form, as the given name. */
export async function signIn(page, name) {
  await page.fill('#session input[name="name"]', name);
  await Promise.all([
    page.waitForNavigation(),
    page.click('#session button:has-text("Sign in as demo user")'),
  ]);
  await page.waitForSelector('body[data-ready="true"]');
  const who = await page.textContent('#signed-in-as');
  if (who !== `Signed in as ${name}`) throw new Error(`after signing in the page says '${who}'`);
}

export async function screenshot(page, name) {
  const file = path.join(artifactsDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** GET a JSON API of the app from inside the page (with its cookies). */
export function getJson(page, url) {
  return page.evaluate(async (u) => {
    const r = await fetch(u, { credentials: 'same-origin' });
    return { status: r.status, body: await r.json().catch(() => null) };
  }, url);
}

/** Records every value the progress <output> shows (its data-percent), from now on. */
export async function recordProgress(page, outputSelector) {
  await page.evaluate((sel) => {
    const el = document.querySelector(sel);
    window.__progress = [];
    new MutationObserver(() => {
      const p = el.dataset.percent;
      if (p !== undefined && window.__progress[window.__progress.length - 1] !== Number(p)) window.__progress.push(Number(p));
    }).observe(el, { attributes: true, attributeFilter: ['data-percent'] });
  }, outputSelector);
  return () => page.evaluate(() => window.__progress.slice());
}

export function uniqueName(prefix) {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** A fresh browser context (own cookies, own localStorage) for one test; closed after it. */
export async function newContext(t) {
  const env = await environment();
  const context = await env.browser.newContext({ viewport: { width: 1100, height: 800 } });
  t.after(() => context.close());
  return { env, context, base: env.app.url };
}

/** The text of the page's alert, once it shows one. */
export async function alertText(page, selector, timeout = 30_000) {
  await page.waitForSelector(`${selector}:not([hidden])`, { timeout });
  return (await page.textContent(selector)).trim();
}
