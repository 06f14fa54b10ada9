// Issue 10 in chromium: the browser module's stall timeout, its MD5 (against node:crypto), and resume after the tab
// was closed. The sample app and a real S3 (Ceph RGW), as in sample.test.mjs; nothing skips.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { repoRoot, stopEnvironment } from '../lib/environment.mjs';
import {
  MiB, alertText, getJson, newContext, openPage, recordProgress, screenshot, selectGeneratedFile, sha256, uniqueName,
} from '../lib/helpers.mjs';

const T = 180_000;
const { md5Digest } = await import(pathToFileURL(path.join(repoRoot, 'src', 'directupload-js', 'directupload.js')).href);

describe('directupload.js md5Digest', () => {
  test('matches RFC 1321\'s test suite', () => {
    const suite = {
      '': 'd41d8cd98f00b204e9800998ecf8427e',
      a: '0cc175b9c0f1b6a831c399e269772661',
      abc: '900150983cd24fb0d6963f7d28e17f72',
      'message digest': 'f96b697d7cb7938d525a2f31aaf161d0',
      abcdefghijklmnopqrstuvwxyz: 'c3fcd3d76192e4007dfb496cca67e13b',
      ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789: 'd174ab98d277d9f5a5611c2c9f419d9f',
      '12345678901234567890123456789012345678901234567890123456789012345678901234567890': '57edf4a22be3c955ac49da2e2107b67a',
    };
    for (const [text, expected] of Object.entries(suite)) {
      assert.equal(Buffer.from(md5Digest(new TextEncoder().encode(text))).toString('hex'), expected, JSON.stringify(text));
    }
  });

  test('matches node:crypto on random data of every padding case, aligned or not', () => {
    for (const n of [1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 4096, 100_003, 5 * MiB + 1]) {
      const data = randomBytes(n);
      const expected = createHash('md5').update(data).digest('hex');
      assert.equal(Buffer.from(md5Digest(new Uint8Array(data.buffer, data.byteOffset, n).slice())).toString('hex'), expected, `${n} bytes`);
      const shifted = new Uint8Array(n + 1);
      shifted.set(data, 1);
      assert.equal(Buffer.from(md5Digest(shifted.subarray(1))).toString('hex'), expected, `${n} bytes at an odd offset`);
    }
  });
});

describe('heavy uploads in chromium', () => {
  after(stopEnvironment);

  test('large: S3 stops answering a part → storage_stalled within the stall timeout, "Resume" completes it; parts carry their MD5', { timeout: T }, async (t) => {
    const { context, base } = await newContext(t);
    const page = await openPage(context, base, '/large.html?stallTimeout=1500&retries=1&partMd5=true');
    const size = 20 * MiB; // parts: 8, 8, 4 MiB
    const name = `${uniqueName('stall')}.bin`;
    const md5Headers = [];
    const puts = [];
    const storedParts = new Set();
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (r.method() === 'PUT' && u.searchParams.has('partNumber')) {
        md5Headers.push(r.headers()['content-md5'] ?? null);
        puts.push(Number(u.searchParams.get('partNumber')));
      }
    });
    page.on('requestfinished', async (r) => {
      const u = new URL(r.url());
      if (r.method() === 'PUT' && u.searchParams.has('partNumber') && (await r.response())?.status() === 200) storedParts.add(Number(u.searchParams.get('partNumber')));
    });

    // part 2 reaches a store that takes the request and never answers
    const hangPart2 = (url) => url.searchParams.get('partNumber') === '2';
    await page.route(hangPart2, () => { /* never continued, fulfilled or aborted */ });
    const digest = await selectGeneratedFile(page, '#large-file', { name, type: 'application/octet-stream', size, seed: 21 });
    const clock = Date.now();
    await page.click('#large-start');
    const error = await alertText(page, '#large-error', 60_000);
    const seconds = (Date.now() - clock) / 1000;
    assert.match(error, /storage_stalled/, `the stall is shown (${error})`);
    assert.ok(seconds < 20, `shown within the stall timeout and one retry (${seconds} s)`);
    assert.equal((await page.textContent('#large-start')).trim(), 'Resume');
    await screenshot(page, 'large-stalled');
    await page.unroute(hangPart2);

    assert.ok(!storedParts.has(2), 'part 2 never reached S3');
    const storedBefore = [...storedParts];
    puts.length = 0;
    await page.click('#large-start');
    await page.waitForSelector('#large-result:not([hidden])', { timeout: 120_000 });
    assert.ok(puts.includes(2), 'the resume sends the stalled part');
    assert.deepEqual(puts.filter((n) => storedBefore.includes(n)), [], `the resume does not send again the parts S3 had (${storedBefore})`);
    assert.ok(md5Headers.length >= 3 && md5Headers.every((h) => /^[A-Za-z0-9+/]{22}==$/.test(h ?? '')), `every part PUT carries a Content-MD5 (${md5Headers.join(', ')})`);

    const key = (await page.textContent('#large-key')).trim();
    const download = await getJson(page, `/uploads/large/download?key=${encodeURIComponent(key)}`);
    const stored = Buffer.from(await (await fetch(download.body.url)).arrayBuffer());
    assert.equal(sha256(stored), digest, 'byte-exact');
    assert.deepEqual(page.pageErrors, [], 'no uncaught script error');
  });

  test('large: the tab is closed mid-upload; a new tab picking the same file resumes from the parts already stored', { timeout: T }, async (t) => {
    const { context, base } = await newContext(t);
    const size = 33 * MiB; // 5 parts of 8 MiB, the last 1 MiB
    const name = `${uniqueName('reopen')}.bin`;
    const first = await openPage(context, base, '/large.html');
    const firstParts = [];
    first.on('requestfinished', async (r) => {
      const u = new URL(r.url());
      if (r.method() === 'PUT' && u.searchParams.has('partNumber') && (await r.response())?.status() === 200) firstParts.push(Number(u.searchParams.get('partNumber')));
    });
    // parts from 3 on wait (held by the route), so the tab is closed with parts 1 and 2 stored and the rest in flight.
    // Chromium lets a request the route still holds go out when the tab closes, so the held ones are failed just before
    // the close (and any retry after that is failed at once): nothing from part 3 on reaches S3 from this tab.
    const held = [];
    let closing = false;
    await first.route((url) => Number(url.searchParams.get('partNumber')) >= 3, (route) => {
      if (closing) return route.abort('connectionaborted').catch(() => {});
      held.push(route);
    });
    await selectGeneratedFile(first, '#large-file', { name, type: 'application/octet-stream', size, seed: 22 });
    await first.click('#large-start');
    const deadline = Date.now() + 60_000;
    while (firstParts.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual([...firstParts].sort(), [1, 2], 'parts 1 and 2 reached S3 before the tab closed');
    closing = true;
    await Promise.all(held.map((route) => route.abort('connectionaborted').catch(() => {})));
    await first.close();

    const second = await openPage(context, base, '/large.html');
    // What S3 holds is the truth the resume must follow. Chromium may still let a part whose request was held by the
    // route go out when the tab closes (the interception ends with the tab), so ask S3 (through the host, with the
    // token the first tab remembered) and wait until the set of stored parts is stable.
    const remembered = await second.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('directupload:')).map((k) => JSON.parse(localStorage.getItem(k))));
    assert.equal(remembered.length, 1, 'the first tab remembered its unfinished upload');
    const storedNow = async () => {
      const listed = await getJson(second, `/uploads/large/multipart/parts?token=${encodeURIComponent(remembered[0].token)}`);
      assert.equal(listed.status, 200, `the host lists the stored parts (${JSON.stringify(listed.body)})`);
      return listed.body.parts.map((p) => p.partNumber).sort((a, b) => a - b);
    };
    let stored = await storedNow();
    for (let stable = 0; stable < 3; ) {
      await new Promise((r) => setTimeout(r, 500));
      const again = await storedNow();
      stable = JSON.stringify(again) === JSON.stringify(stored) ? stable + 1 : 0;
      stored = again;
    }
    assert.ok(stored.includes(1) && stored.includes(2), `S3 has parts 1 and 2 (${stored})`);
    const missing = [1, 2, 3, 4, 5].filter((n) => !stored.includes(n));
    assert.ok(missing.length > 0, `parts were still missing when the tab closed (${stored})`);
    const secondParts = [];
    second.on('request', (r) => {
      const u = new URL(r.url());
      if (r.method() === 'PUT' && u.searchParams.has('partNumber')) secondParts.push(Number(u.searchParams.get('partNumber')));
    });
    const digest = await selectGeneratedFile(second, '#large-file', { name, type: 'application/octet-stream', size, seed: 22 });
    const progress = await recordProgress(second, '#large-progress-text');
    await second.click('#large-start');
    await second.waitForSelector('#large-result:not([hidden])', { timeout: 120_000 });
    assert.deepEqual([...secondParts].sort((a, b) => a - b), missing, `only the parts S3 did not have were sent (S3 had ${stored})`);
    assert.ok((await progress())[0] >= 48, 'progress starts from the stored parts');

    const key = (await second.textContent('#large-key')).trim();
    const download = await getJson(second, `/uploads/large/download?key=${encodeURIComponent(key)}`);
    const storedBytes = Buffer.from(await (await fetch(download.body.url)).arrayBuffer());
    assert.equal(sha256(storedBytes), digest, 'byte-exact');
    assert.deepEqual(second.pageErrors, [], 'no uncaught script error');
  });
});
