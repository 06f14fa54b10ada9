// End-to-end tests of the DirectUpload sample in a real browser (Debian chromium via playwright-core), with the
// sample app and a real S3 (Ceph RGW). Every test FAILS (never skips) when the app, S3 or chromium is missing.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { stopEnvironment } from '../lib/environment.mjs';
import {
  MiB, alertText, getJson, makePng, newContext, openPage, recordProgress, screenshot, selectGeneratedFile, sha256, signIn, uniqueName,
} from '../lib/helpers.mjs';

const T = 180_000;

describe('DirectUpload sample in chromium', () => {
  after(stopEnvironment);

  test('album: a signed-in user uploads a PNG straight to S3, sees it listed and displayed', { timeout: T }, async (t) => {
    const { context, base } = await newContext(t);
    const page = await openPage(context, base, '/');
    const user = uniqueName('alice');
    await signIn(page, user);

    const png = makePng(96, 64);
    const progress = await recordProgress(page, '#photo-progress-text');
    const s3Requests = [];
    page.on('request', (r) => { if (!r.url().startsWith(base)) s3Requests.push(`${r.method()} ${new URL(r.url()).pathname}`); });
    await page.setInputFiles('#photo-file', { name: 'sunset.png', mimeType: 'image/png', buffer: png });

    await page.waitForSelector('#photo-status:has-text("Uploaded sunset.png")', { timeout: 60_000 });
    assert.equal(await page.getAttribute('#photo-error', 'hidden'), '', 'no error is shown');
    assert.equal((await progress()).at(-1), 100, 'the progress bar reaches 100%');
    assert.equal(await page.getAttribute('#photo-progress', 'value'), '100');
    const key = await page.getAttribute('#photo-status', 'data-key');
    assert.match(key, new RegExp(`^photos/users/${user}/[0-9a-z]+-sunset\\.png$`), 'the key is in the user\'s folder');
    assert.ok(s3Requests.some((r) => r.startsWith('PUT ') && r.endsWith(`/${key}`)), `the browser PUT the bytes to S3 itself (saw: ${s3Requests.join(', ')})`);

    // listed from the app's catalog (written when the store's event arrived), shown through a presigned GET URL, and
    // really decoded by the browser (the first event of a new RGW topic can take up to 30 s)
    const img = page.locator(`#gallery li[data-key="${key}"] img`);
    await img.waitFor({ timeout: 75_000 });
    await page.waitForFunction((k) => {
      const el = document.querySelector(`#gallery li[data-key="${k}"] img`);
      return el && el.complete && el.naturalWidth > 0;
    }, key, { timeout: 30_000 });
    assert.deepEqual(await img.evaluate((el) => [el.naturalWidth, el.naturalHeight]), [96, 64]);
    assert.equal(await img.getAttribute('alt'), 'sunset.png');

    const photos = await getJson(page, '/api/photos');
    assert.equal(photos.status, 200);
    const listed = photos.body.photos.find((p) => p.key === key);
    assert.ok(listed, 'GET /api/photos lists the photo');
    assert.equal(listed.size, png.length);
    assert.equal(listed.contentType, 'image/png');
    const bytes = Buffer.from(await (await fetch(listed.url)).arrayBuffer());
    assert.equal(sha256(bytes), sha256(png), 'the object in S3 has exactly the uploaded bytes');

    await screenshot(page, 'album');
    assert.deepEqual(page.pageErrors, [], 'no uncaught script error');
  });

  test('album: the store\'s event catalogues the photo and its thumbnail appears, with no confirm call from the page', { timeout: T }, async (t) => {
    const { context, base } = await newContext(t);
    const page = await openPage(context, base, '/');
    const user = uniqueName('tabclose');
    await signIn(page, user);
    const hostCalls = [];
    page.on('request', (r) => { if (r.url().startsWith(base)) hostCalls.push(`${r.method()} ${new URL(r.url()).pathname}`); });
    let sawProcessing = false;
    page.on('console', () => {});

    const png = makePng(800, 600);
    await page.setInputFiles('#photo-file', { name: 'wide.png', mimeType: 'image/png', buffer: png });
    await page.waitForSelector('#photo-status:has-text("Uploaded wide.png")', { timeout: 60_000 });
    const key = await page.getAttribute('#photo-status', 'data-key');
    sawProcessing = await page.locator('#gallery .processing').count() > 0;

    // the thumbnail (≤ 320 px on the longer edge, from the SkiaSharp processor) replaces "processing…"
    await page.waitForFunction((k) => {
      const el = document.querySelector(`#gallery li[data-key="${k}"][data-thumbnail="true"] img`);
      return el && el.complete && el.naturalWidth > 0;
    }, key, { timeout: 75_000 });
    const thumb = page.locator(`#gallery li[data-key="${key}"] img`);
    assert.deepEqual(await thumb.evaluate((el) => [el.naturalWidth, el.naturalHeight]), [320, 240]);
    assert.equal(await page.locator(`#gallery li[data-key="${key}"] .processing`).count(), 0, 'no longer "processing…"');
    assert.ok(!hostCalls.some((c) => c.endsWith('/complete')), `the page never called confirm (host calls: ${hostCalls.join(', ')})`);

    const photos = await getJson(page, '/api/photos');
    const listed = photos.body.photos.find((p) => p.key === key);
    assert.equal(listed.width, 800);
    assert.equal(listed.height, 600);
    assert.ok(listed.thumbnailUrl, 'the row has the thumbnail key');
    t.diagnostic(`"processing…" was ${sawProcessing ? '' : 'not '}visible right after the upload`);

    // a photo whose tab closed right after the PUT: upload with the grant in the page, close it at once
    const page2 = await openPage(context, base, '/');
    const closedKey = await page2.evaluate(async (bytes) => {
      const grant = await (await fetch('/uploads/photos', {
        method: 'POST', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ fileName: 'closed.png', contentType: 'image/png', size: bytes.length }),
      })).json();
      const headers = { ...grant.headers };
      delete headers['Content-Length'];
      const put = await fetch(grant.url, { method: 'PUT', headers, body: new Uint8Array(bytes) });
      if (!put.ok) throw new Error(`PUT ${put.status}`);
      return grant.key;
    }, [...makePng(400, 100)]);
    await page2.close();
    const deadline = Date.now() + 60_000;
    let closed;
    while (Date.now() < deadline) {
      closed = (await getJson(page, '/api/photos')).body.photos.find((p) => p.key === closedKey);
      if (closed?.thumbnailUrl) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(closed?.thumbnailUrl, 'the photo of the closed tab is catalogued and processed');
    assert.deepEqual([closed.width, closed.height], [400, 100]);
    await screenshot(page, 'album-thumbnails');
    assert.deepEqual(page.pageErrors, [], 'no uncaught script error');
  });

  test('large: a 33 MiB multipart upload reaches 100% and completes with its key and size', { timeout: T }, async (t) => {
    const { context, base } = await newContext(t);
    const page = await openPage(context, base, '/large.html');
    const size = 33 * MiB; // 5 parts of 8 MiB (the last one 1 MiB)
    const name = `${uniqueName('big')}.bin`;
    const partPuts = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (r.method() === 'PUT' && u.searchParams.has('partNumber')) partPuts.push(Number(u.searchParams.get('partNumber')));
    });
    const digest = await selectGeneratedFile(page, '#large-file', { name, type: 'application/octet-stream', size, seed: 7 });
    const progress = await recordProgress(page, '#large-progress-text');
    await page.click('#large-start');

    await page.waitForSelector('#large-result:not([hidden])', { timeout: 150_000 });
    assert.equal(await page.getAttribute('#large-error', 'hidden'), '', 'no error is shown');
    const seen = await progress();
    assert.equal(seen.at(-1), 100, `progress reaches 100% (saw ${seen.join(', ')})`);
    assert.ok(seen.every((p, i) => i === 0 || p >= seen[i - 1]), `progress never goes back (saw ${seen.join(', ')})`);
    assert.ok(seen.some((p) => p > 0 && p < 100), `progress shows intermediate values (saw ${seen.join(', ')})`);
    assert.match(await page.textContent('#large-progress-text'), /^100% · 33 MiB of 33 MiB/);

    const key = (await page.textContent('#large-key')).trim();
    assert.match(key, /^large\/[0-9a-z]+-big-[0-9a-z]+\.bin$/);
    assert.equal(await page.getAttribute('#large-size', 'data-bytes'), String(size));
    assert.deepEqual([...partPuts].sort((a, b) => a - b), [1, 2, 3, 4, 5], 'each of the 5 parts was PUT once, straight to S3');

    // the app's catalog (written by the completion hook) has it, and S3 has exactly the bytes
    const recent = await getJson(page, '/api/uploads/large');
    const row = recent.body.uploads.find((u) => u.key === key);
    assert.ok(row, 'GET /api/uploads/large lists the upload');
    assert.equal(row.size, size);
    await page.waitForSelector(`#recent tr[data-key="${key}"]`);
    const download = await getJson(page, `/uploads/large/download?key=${encodeURIComponent(key)}`);
    assert.equal(download.status, 200);
    const stored = Buffer.from(await (await fetch(download.body.url)).arrayBuffer());
    assert.equal(stored.length, size);
    assert.equal(sha256(stored), digest, 'the completed object has exactly the file\'s bytes');

    await screenshot(page, 'large');
    assert.deepEqual(page.pageErrors, [], 'no uncaught script error');
  });

  test('large: an interrupted multipart upload resumes and sends only the missing part', { timeout: T }, async (t) => {
    const { context, base } = await newContext(t);
    const page = await openPage(context, base, '/large.html');
    const size = 20 * MiB; // parts: 8, 8, 4 MiB
    const name = `${uniqueName('resume')}.bin`;
    const partPuts = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (r.method() === 'PUT' && u.searchParams.has('partNumber')) partPuts.push(Number(u.searchParams.get('partNumber')));
    });

    // first attempt: part 2 never reaches S3 (connection refused), so the upload fails after its retries
    const failPart2 = (url) => url.searchParams.get('partNumber') === '2';
    await page.route(failPart2, (route) => route.abort('connectionrefused'));
    const digest = await selectGeneratedFile(page, '#large-file', { name, type: 'application/octet-stream', size, seed: 11 });
    await page.click('#large-start');
    const error = await alertText(page, '#large-error');
    assert.match(error, /network_error/, `the failure is shown (${error})`);
    assert.ok(partPuts.filter((n) => n === 2).length >= 2, 'part 2 was retried');
    await page.unroute(failPart2);

    // second attempt with the same file: the client lists the parts S3 has and sends only part 2
    partPuts.length = 0;
    const progress = await recordProgress(page, '#large-progress-text');
    await page.click('#large-start');
    await page.waitForSelector('#large-result:not([hidden])', { timeout: 120_000 });
    assert.deepEqual(partPuts, [2], 'only the missing part was sent again');
    const seen = await progress();
    assert.ok(seen[0] >= 50, `the resumed upload starts from the parts already stored (saw ${seen.join(', ')})`);
    assert.equal(seen.at(-1), 100);

    const key = (await page.textContent('#large-key')).trim();
    const download = await getJson(page, `/uploads/large/download?key=${encodeURIComponent(key)}`);
    const stored = Buffer.from(await (await fetch(download.body.url)).arrayBuffer());
    assert.equal(sha256(stored), digest, 'the resumed object has exactly the file\'s bytes');
    assert.deepEqual(page.pageErrors, [], 'no uncaught script error');
  });

  test('documents: a text file goes to S3 with a presigned POST policy and can be downloaded', { timeout: T }, async (t) => {
    const { context, base } = await newContext(t);
    const page = await openPage(context, base, '/documents.html');
    const text = Buffer.from(`Meeting notes ${new Date().toISOString()}\nDirect to S3 with a POST policy.\n`, 'utf8');
    const s3Requests = [];
    page.on('request', (r) => { if (!r.url().startsWith(base)) s3Requests.push(r.method()); });
    await page.setInputFiles('#doc-file', { name: 'notes.txt', mimeType: 'text/plain', buffer: text });

    await page.waitForSelector('#doc-result:not([hidden])', { timeout: 60_000 });
    assert.ok(s3Requests.includes('POST'), 'the browser POSTed the form to S3 itself');
    assert.match((await page.textContent('#doc-key')).trim(), /^documents\/[0-9a-z]+-notes\.txt$/);
    const href = await page.getAttribute('#doc-download', 'href');
    const response = await fetch(href);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), text.toString('utf8'));
    assert.match(response.headers.get('content-type'), /^text\/plain/);

    // a PNG is not a document: the server's refusal is shown
    await page.setInputFiles('#doc-file', { name: 'photo.png', mimeType: 'image/png', buffer: makePng(8, 8) });
    const error = await alertText(page, '#doc-error');
    assert.match(error, /content_type_not_allowed/);
    assert.match(error, /does not allow content type 'image\/png'/);
  });

  test('documents: a comma media type (rendered as HTML by browsers) is refused, for uploads and download overrides', { timeout: T }, async (t) => {
    const { context, base } = await newContext(t);
    const page = await openPage(context, base, '/documents.html');
    const s3Requests = [];
    page.on('request', (r) => { if (!r.url().startsWith(base)) s3Requests.push(r.method()); });
    const name = `${uniqueName('xss')}.txt`;
    await page.setInputFiles('#doc-file', { name, mimeType: 'text/plain; a=,text/html', buffer: Buffer.from('<script>alert(1)</script>') });

    const error = await alertText(page, '#doc-error');
    assert.match(error, /invalid_content_type/);
    assert.deepEqual(s3Requests, [], 'nothing was signed, so nothing was sent to S3');
    const listed = await getJson(page, '/api/uploads/documents');
    assert.ok(!listed.body.uploads.some((u) => u.key.endsWith(name.toLowerCase())), 'no such document exists');

    // the download override with the same trick (reflected): refused, never inline
    const reply = await page.evaluate(async () => {
      const r = await fetch(`/uploads/documents/download?key=${encodeURIComponent('documents/x.txt')}&inline=true&contentType=${encodeURIComponent('text/plain;,text/html')}`);
      return { status: r.status, body: await r.json() };
    });
    assert.equal(reply.status, 400);
    assert.equal(reply.body.code, 'invalid_content_type');
    assert.deepEqual(page.pageErrors, [], 'no uncaught script error');
  });

  test('album: the server\'s refusals (wrong type, too large, not signed in) are shown to the user', { timeout: T }, async (t) => {
    const { context, base } = await newContext(t);
    const page = await openPage(context, base, '/');

    // not signed in: the per-user profile answers 401
    await page.setInputFiles('#photo-file', { name: 'early.png', mimeType: 'image/png', buffer: makePng(4, 4) });
    let error = await alertText(page, '#photo-error');
    assert.match(error, /unauthenticated/);
    assert.match(error, /requires a signed-in user/);

    await signIn(page, uniqueName('bob'));
    const s3Requests = [];
    page.on('request', (r) => { if (!r.url().startsWith(base)) s3Requests.push(r.url()); });

    // a text file on the album: refused by the host before anything is signed
    await page.setInputFiles('#photo-file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
    error = await alertText(page, '#photo-error');
    assert.match(error, /\(content_type_not_allowed\)$/, error);
    assert.match(error, /Profile 'photos' does not allow content type 'text\/plain'/, error);
    assert.equal(await page.getAttribute('#photo-error', 'data-code'), 'content_type_not_allowed');

    // 11 MiB of "PNG": above the profile's 10 MiB
    await selectGeneratedFile(page, '#photo-file', { name: 'huge.png', type: 'image/png', size: 11 * MiB });
    await page.waitForFunction(() => document.querySelector('#photo-error').dataset.code === 'too_large', null, { timeout: 30_000 });
    error = (await page.textContent('#photo-error')).trim();
    assert.match(error, /\(too_large\)$/, error);
    assert.match(error, /above the maximum of profile 'photos' \(10485760 bytes\)/, error);
    assert.deepEqual(s3Requests, [], 'nothing was sent to S3');
    assert.equal(await page.getAttribute('#photo-error', 'role'), 'alert');

    await screenshot(page, 'errors');
    assert.deepEqual(page.pageErrors, [], 'no uncaught script error');
  });

  test('client: method fallbacks, typed errors and cancellation of directupload.js', { timeout: T }, async (t) => {
    const { context, base } = await newContext(t);
    const page = await openPage(context, base, '/');
    await signIn(page, uniqueName('carol'));
    const results = await page.evaluate(async () => {
      const { upload, DirectUploadError } = await import('/_content/DirectUpload.AspNetCore/directupload.js');
      const blob = (size, name, type) => new File([new Uint8Array(size).fill(65)], name, { type });
      const out = {};
      const settle = async (name, promise) => {
        try {
          const r = await promise;
          out[name] = { ok: true, method: r.method, size: r.size, key: r.key };
        } catch (e) {
          out[name] = { ok: false, isTyped: e instanceof DirectUploadError, code: e.code, status: e.status, message: e.message };
        }
      };
      // a small file for a multipart-only profile: the grant answers method_not_allowed, the client goes multipart
      const events = [];
      await settle('smallToLarge', upload(blob(1024 * 1024, 'small.bin', 'application/octet-stream'), {
        profile: 'large', onProgress: (p) => events.push(p.percent),
      }));
      out.smallToLargeProgress = events;
      // a "big" file (over a tiny threshold) for a PUT-only profile: multipart start refused, the client PUTs it
      await settle('bigToPhotos', upload(blob(2048, 'tiny.png', 'image/png'), { profile: 'photos', multipartThreshold: 1024 }));
      // an unknown profile: problem+json 404 → DirectUploadError
      await settle('unknownProfile', upload(blob(10, 'x.png', 'image/png'), { profile: 'nope' }));
      // cancelled before it starts, and while parts are in flight
      const cancelled = new AbortController();
      cancelled.abort();
      await settle('preCancelled', upload(blob(10, 'x.png', 'image/png'), { profile: 'photos', signal: cancelled.signal }));
      const midway = new AbortController();
      await settle('cancelledMidway', upload(blob(12 * 1024 * 1024, 'cancel.bin', 'application/octet-stream'), {
        profile: 'large', signal: midway.signal, resumeStorage: null,
        onProgress: (p) => { if (p.bytes > 0) midway.abort(); },
      }));
      return out;
    });

    assert.deepEqual({ ...results.smallToLarge, key: undefined }, { ok: true, method: 'MULTIPART', size: 1024 * 1024, key: undefined });
    assert.equal(results.smallToLargeProgress.at(-1), 100);
    assert.equal(results.bigToPhotos.ok, true, JSON.stringify(results.bigToPhotos));
    assert.equal(results.bigToPhotos.method, 'PUT');
    assert.deepEqual(results.unknownProfile, {
      ok: false, isTyped: true, code: 'unknown_profile', status: 404, message: 'The upload profile is not configured.',
    });
    assert.equal(results.preCancelled.code, 'aborted');
    assert.equal(results.cancelledMidway.code, 'aborted', JSON.stringify(results.cancelledMidway));
    assert.deepEqual(page.pageErrors, [], 'no uncaught script error');
  });

  test('security: chromium sends a PUT grant\'s If-None-Match, ACL and sealed headers; replays and added headers are refused', { timeout: T }, async (t) => {
    const { context, base } = await newContext(t);
    const page = await openPage(context, base, '/');
    await signIn(page, uniqueName('erin'));
    const r = await page.evaluate(async () => {
      const body = new Uint8Array(200).fill(7);
      const res = await fetch('/uploads/photos', {
        method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ fileName: 'once.png', contentType: 'image/png', size: body.length }),
      });
      const grant = await res.json();
      // what directupload.js does: every grant header except the ones the browser sets itself (cross-origin: preflight)
      const put = (extra = {}) => new Promise((resolve) => {
        const xhr = new XMLHttpRequest();
        xhr.open('PUT', grant.url);
        for (const [name, value] of Object.entries({ ...grant.headers, ...extra })) {
          if (!['content-length', 'host'].includes(name.toLowerCase())) xhr.setRequestHeader(name, value);
        }
        xhr.onload = () => resolve({ status: xhr.status, code: (xhr.responseText.match(/<Code>([^<]*)<\/Code>/) || [])[1] || null });
        xhr.onerror = () => resolve({ status: 0, code: 'network-error' });
        xhr.send(body);
      });
      const withAcl = await put({ 'x-amz-acl': 'public-read' });
      const withTagging = await put({ 'x-amz-tagging': 'a=b' });
      const first = await put();
      const replay = await put();
      const confirm = await fetch('/uploads/photos/complete', {
        method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ token: grant.token }),
      });
      return { headers: grant.headers, key: grant.key, withAcl, withTagging, first, replay, confirm: confirm.status };
    });

    assert.equal(r.headers['If-None-Match'], '*', JSON.stringify(r.headers));
    assert.equal(r.headers['x-amz-acl'], 'bucket-owner-full-control');
    assert.equal(r.headers['x-amz-tagging'], '');
    assert.equal(r.first.status, 200, `the honest PUT succeeds through CORS: ${JSON.stringify(r.first)}`);
    assert.equal(r.confirm, 200, 'the host confirms it');
    assert.deepEqual(r.replay, { status: 412, code: 'PreconditionFailed' }, 'a replay of the grant is refused by S3');
    // refused by S3 (403 SignatureDoesNotMatch; RGW's error answer may lack CORS headers, so the page sees status 0), and
    // nothing was written: the honest PUT after them, with If-None-Match: *, still found the key free
    assert.ok([0, 403].includes(r.withAcl.status), `an added x-amz-acl is refused: ${JSON.stringify(r.withAcl)}`);
    assert.ok([0, 403].includes(r.withTagging.status), `an added x-amz-tagging is refused: ${JSON.stringify(r.withTagging)}`);
    assert.deepEqual(page.pageErrors, [], 'no uncaught script error');
  });

  test('uppy: Uppy\'s AwsS3 plugin uploads with DirectUpload grants, and the host confirms', { timeout: T }, async (t) => {
    const { context, base } = await newContext(t);
    const page = await openPage(context, base, '/uppy.html');
    assert.equal(await page.getAttribute('#uppy-missing', 'hidden'), '', 'Uppy is served from the sample\'s node_modules');
    const user = uniqueName('uma');
    await signIn(page, user);
    await page.waitForSelector('#uppy .uppy-Dashboard', { timeout: 30_000 });

    const png = makePng(40, 30);
    const s3Requests = [];
    page.on('request', (r) => { if (!r.url().startsWith(base)) s3Requests.push(`${r.method()} ${new URL(r.url()).pathname}`); });
    await page.setInputFiles('#uppy input.uppy-Dashboard-input >> nth=0', { name: 'uppy-shot.png', mimeType: 'image/png', buffer: png });
    await page.click('#uppy .uppy-StatusBar-actionBtn--upload');

    await page.waitForSelector('#uppy-results li', { timeout: 60_000 });
    const key = await page.getAttribute('#uppy-results li', 'data-key');
    assert.match(key, new RegExp(`^photos/users/${user}/[0-9a-z]+-uppy-shot\\.png$`), 'the host chose the key, in the user\'s folder');
    assert.ok(s3Requests.some((r) => r.startsWith('PUT ') && r.endsWith(`/${key}`)), `Uppy PUT the bytes to S3 itself (saw: ${s3Requests.join(', ')})`);
    assert.equal(await page.getAttribute('#uppy-error', 'hidden'), '', 'no error is shown');

    const photos = await getJson(page, '/api/photos');
    const listed = photos.body.photos.find((p) => p.key === key);
    assert.ok(listed, 'the confirmation hook wrote the catalog row');
    assert.equal(listed.size, png.length);
    const bytes = Buffer.from(await (await fetch(listed.url)).arrayBuffer());
    assert.equal(sha256(bytes), sha256(png), 'the object in S3 has exactly the uploaded bytes');

    // a type the profile refuses: the host's problem reaches the page through Uppy's upload-error
    // (through Uppy's own API: after a finished upload its Dashboard shows the results, not the file input)
    await page.evaluate(async () => {
      const uppy = window.directUploadUppy;
      uppy.clear();
      uppy.addFile({ name: 'notes.txt', type: 'text/plain', data: new Blob(['hello'], { type: 'text/plain' }) });
      await uppy.upload();
    });
    const error = await alertText(page, '#uppy-error');
    assert.match(error, /content_type_not_allowed/);
    await screenshot(page, 'uppy');
    assert.deepEqual(page.pageErrors, [], 'no uncaught script error');
  });

  test('baseline: the proxy upload goes through the app (for comparison only)', { timeout: T }, async (t) => {
    const { context, base } = await newContext(t);
    const page = await openPage(context, base, '/large.html');
    const s3Requests = [];
    page.on('request', (r) => { if (!r.url().startsWith(base)) s3Requests.push(r.url()); });
    await selectGeneratedFile(page, '#proxy-file', { name: 'through-app.bin', type: 'application/octet-stream', size: 3 * MiB });
    await page.waitForSelector('#proxy-status:has-text("Through the app")', { timeout: 60_000 });
    assert.match(await page.textContent('#proxy-status'), /proxy\/[0-9a-z]+-through-app\.bin, 3\.0 MiB/);
    assert.deepEqual(s3Requests, [], 'the browser did not talk to S3: the app carried the bytes');
  });
});
