// An unmodified Uppy 6 Dashboard (npm `uppy`, its prebuilt bundle) uploading multipart through DirectUpload's
// Companion-compatible routes (app.MapUppyCompanion("/uppy/videos", "videos") in the sample), in Debian's chromium,
// against a real S3 (Ceph RGW). The 300 MiB file is written to a temp dir on disk by the test (never committed) and
// selected through the Dashboard's own file input.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, closeSync, writeSync, rmSync, ftruncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { environment, stopEnvironment } from '../lib/environment.mjs';
import { MiB, getJson, openPage, screenshot, sha256, signIn, uniqueName } from '../lib/helpers.mjs';

const T = 300_000;
const BIG = 300 * MiB;
const dir = mkdtempSync(path.join(os.tmpdir(), 'directupload-uppy-'));

/** Writes `size` random bytes to a file on disk; returns its path and SHA-256. */
function bigFile(name, size) {
  const file = path.join(dir, name);
  const fd = openSync(file, 'w');
  const hash = createHash('sha256');
  try {
    for (let written = 0; written < size;) {
      const chunk = randomBytes(Math.min(4 * MiB, size - written));
      writeSync(fd, chunk);
      hash.update(chunk);
      written += chunk.length;
    }
  } finally {
    closeSync(fd);
  }
  return { file, digest: hash.digest('hex') };
}

/** A sparse file: `size` bytes on paper, nothing on disk (Uppy is refused before reading a byte). */
function sparseFile(name, size) {
  const file = path.join(dir, name);
  const fd = openSync(file, 'w');
  try { ftruncateSync(fd, size); } finally { closeSync(fd); }
  return file;
}

async function uppyPage(t) {
  const env = await environment();
  const context = await env.browser.newContext({ viewport: { width: 1100, height: 900 } });
  t.after(() => context.close());
  const page = await openPage(context, env.app.url, '/uppy-multipart.html');
  assert.equal(await page.getAttribute('#uppy-missing', 'hidden'), '', 'Uppy is served from the sample\'s node_modules');
  const user = uniqueName('vera');
  await signIn(page, user);
  await page.waitForSelector('#uppy .uppy-Dashboard', { timeout: 30_000 });
  return { page, user, base: env.app.url };
}

const dashboardInput = '#uppy input.uppy-Dashboard-input >> nth=0';

/** Waits for Uppy to report an error for its only file; returns it and the Dashboard's text/attributes. */
async function refusal(page) {
  await page.waitForFunction(() => window.directUploadUppy.getFiles().some((f) => f.error), null, { timeout: 60_000 });
  return page.evaluate(() => ({
    error: window.directUploadUppy.getFiles()[0].error,
    dashboard: document.querySelector('#uppy').innerHTML,
  }));
}

describe('Uppy Dashboard through DirectUpload\'s Companion routes', () => {
  after(async () => { await stopEnvironment(); rmSync(dir, { recursive: true, force: true }); });

  test('uppy 6: a 300 MiB file goes multipart through the routes, with pause and resume, and lands intact', { timeout: T }, async (t) => {
    const { page, user } = await uppyPage(t);
    const { file, digest } = bigFile('holiday.mp4', BIG);
    const partPuts = [];
    const routes = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (r.method() === 'PUT' && u.searchParams.has('partNumber')) partPuts.push(Number(u.searchParams.get('partNumber')));
      if (u.pathname.startsWith('/uppy/videos/s3/')) routes.push(`${r.method()} ${u.pathname.replace(/multipart\/[^/]+/, 'multipart/{id}')}`);
    });

    await page.setInputFiles(dashboardInput, file);
    await page.click('#uppy .uppy-StatusBar-actionBtn--upload');

    // pause once a few parts are in, through the Dashboard's own pause button; nothing more is sent while paused
    await page.waitForFunction(() => window.directUploadUppy.getFiles()[0].progress.percentage >= 15, null, { timeout: 120_000 });
    await page.click('#uppy button.uppy-StatusBar-actionCircleBtn[title="Pause"]');
    await page.waitForTimeout(1500); // in-flight part PUTs are aborted
    const sentWhilePaused = partPuts.length;
    const percentPaused = await page.evaluate(() => window.directUploadUppy.getFiles()[0].progress.percentage);
    await page.waitForTimeout(1500);
    assert.equal(partPuts.length, sentWhilePaused, 'no part is sent while paused');
    assert.ok(percentPaused < 100, `paused before the end (${percentPaused}%)`);

    await page.click('#uppy button.uppy-StatusBar-actionCircleBtn[title="Resume"]');
    await page.waitForSelector('#uppy-results li', { timeout: 240_000 });
    assert.equal(await page.getAttribute('#uppy-error', 'hidden'), '', 'no error is shown');

    const key = await page.getAttribute('#uppy-results li', 'data-key');
    assert.match(key, new RegExp(`^videos/users/${user}/[0-9a-z]+-holiday\\.mp4$`), 'the host chose the key, in the user\'s folder');
    const parts = Math.ceil(BIG / (5 * MiB));
    assert.equal(new Set(partPuts).size, parts, `Uppy sent all ${parts} parts of Uppy's default 5 MiB chunking`);
    assert.ok(partPuts.length <= parts + 8, `after resuming only unfinished parts were sent again (${partPuts.length} PUTs)`);
    assert.ok(routes.includes('POST /uppy/videos/s3/multipart'), routes.join(', '));
    assert.ok(routes.includes('POST /uppy/videos/s3/multipart/{id}/complete'), 'completed through the host');

    const download = await getJson(page, `/uploads/videos/download?key=${encodeURIComponent(key)}`);
    assert.equal(download.status, 200, JSON.stringify(download.body));
    const stored = Buffer.from(await (await fetch(download.body.url)).arrayBuffer());
    assert.equal(stored.length, BIG);
    assert.equal(sha256(stored), digest, 'the object in S3 has exactly the file\'s bytes');
    await screenshot(page, 'uppy-multipart');
    assert.deepEqual(page.pageErrors, [], 'no uncaught script error');
  });

  test('uppy 6: a disallowed type is refused by the host, and Uppy shows the server\'s message', { timeout: T }, async (t) => {
    const { page, base } = await uppyPage(t);
    const s3Requests = [];
    page.on('request', (r) => { if (!r.url().startsWith(base)) s3Requests.push(r.url()); });
    // 6 MiB, so that Uppy takes the multipart route (it sends files of 5 MiB or less through /params)
    await page.setInputFiles(dashboardInput, sparseFile('notes.txt', 6 * MiB));
    await page.click('#uppy .uppy-StatusBar-actionBtn--upload');
    const { error, dashboard } = await refusal(page);
    assert.match(error, /Profile 'videos' does not allow content type 'text\/plain'/, error);
    assert.ok(dashboard.includes("does not allow content type 'text/plain'"), 'the Dashboard shows the server\'s message');
    assert.deepEqual(s3Requests, [], 'nothing was sent to S3');
    await screenshot(page, 'uppy-refused-type');
  });

  test('uppy 6: an oversized file is refused by the host before any byte is sent, with the server\'s message', { timeout: T }, async (t) => {
    const { page, base } = await uppyPage(t);
    const s3Requests = [];
    page.on('request', (r) => { if (!r.url().startsWith(base)) s3Requests.push(r.url()); });
    await page.setInputFiles(dashboardInput, sparseFile('huge.mp4', 2048 * MiB));
    await page.click('#uppy .uppy-StatusBar-actionBtn--upload');
    const { error, dashboard } = await refusal(page);
    assert.match(error, /above the maximum of profile 'videos' \(1073741824 bytes\)/, error);
    assert.ok(dashboard.includes('above the maximum of profile'), 'the Dashboard shows the server\'s message');
    assert.deepEqual(s3Requests, [], 'nothing was sent to S3');
  });
});
