// Unit tests of directupload.js's logic with node's test runner (the uploads themselves run in Chromium:
// tests/DirectUpload.BrowserTests). No dependency: node >= 20 has fetch, Blob and the test runner.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  DEFAULTS, DirectUploadError, ERROR_CODES, md5Digest, retryDelay, storageErrorCode, upload,
} from '../directupload.js';

describe('directupload.js logic', () => {
  test('storageErrorCode: throttling and lack of space get codes of their own, the rest storage_error:{S3 code}', () => {
    assert.equal(storageErrorCode(503, 'SlowDown'), 'storage_throttled');
    assert.equal(storageErrorCode(429, undefined), 'storage_throttled');
    assert.equal(storageErrorCode(403, 'QuotaExceeded'), 'storage_full');
    assert.equal(storageErrorCode(507, undefined), 'storage_full');
    assert.equal(storageErrorCode(400, 'BadDigest'), 'storage_error:BadDigest');
    assert.equal(storageErrorCode(403, 'AccessDenied'), 'storage_error:AccessDenied');
    assert.equal(storageErrorCode(500, undefined), 'storage_error:HTTP500');
  });

  test('retryDelay: doubles from 500 ms, capped at 30 s, with 50-100 % jitter', () => {
    assert.equal(retryDelay(0, () => 1), 500);
    assert.equal(retryDelay(0, () => 0), 250);
    assert.equal(retryDelay(3, () => 1), 4000);
    assert.equal(retryDelay(20, () => 1), DEFAULTS.maxRetryDelayMs);
    for (let n = 0; n < 10; n++) {
      const d = retryDelay(n);
      assert.ok(d >= Math.min(500 * 2 ** n, 30_000) / 2 && d <= Math.min(500 * 2 ** n, 30_000), `${n}: ${d}`);
    }
  });

  test('md5Digest equals node\'s MD5 at block edges and unaligned views', () => {
    for (const size of [0, 1, 55, 56, 63, 64, 65, 1000, 4096 + 3]) {
      const bytes = new Uint8Array(size).map((_, i) => (i * 31 + 7) & 0xff);
      const expected = createHash('md5').update(bytes).digest('hex');
      assert.equal(Buffer.from(md5Digest(bytes)).toString('hex'), expected, `size ${size}`);
      const offset = new Uint8Array(size + 1);
      offset.set(bytes, 1);
      assert.equal(Buffer.from(md5Digest(offset.subarray(1))).toString('hex'), expected, `unaligned ${size}`);
    }
  });

  test('DirectUploadError: code, status and problem; unexpected_response by default', () => {
    const e = new DirectUploadError('Too big.', { code: 'too_large', status: 413, problem: { code: 'too_large' } });
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'DirectUploadError');
    assert.deepEqual([e.code, e.status, e.message], ['too_large', 413, 'Too big.']);
    assert.equal(new DirectUploadError('?').code, ERROR_CODES.unexpectedResponse);
  });

  test('upload: a host refusal arrives as the host\'s code and detail, and nothing else is called', async () => {
    const calls = [];
    const fetch = async (url, init) => {
      calls.push(`${init.method} ${url}`);
      return new Response(JSON.stringify({ status: 415, code: 'content_type_not_allowed', detail: "Profile 'photos' does not allow content type 'text/plain'." }),
        { status: 415, headers: { 'content-type': 'application/problem+json' } });
    };
    const file = new Blob(['hello'], { type: 'text/plain' });
    await assert.rejects(upload(file, { profile: 'photos', fetch, resumeStorage: null }), (e) => {
      assert.equal(e.code, 'content_type_not_allowed');
      assert.equal(e.status, 415);
      assert.match(e.message, /does not allow content type/);
      return true;
    });
    assert.deepEqual(calls, ['POST /uploads/photos']);
  });

  test('upload: a host error without problem details is unexpected_response, as in the .NET client', async () => {
    const fetch = async () => new Response('<html>gateway</html>', { status: 502, statusText: 'Bad Gateway' });
    await assert.rejects(upload(new Blob(['x']), { profile: 'p', basePath: '/api/up', fetch, resumeStorage: null }),
      (e) => e.code === 'unexpected_response' && e.status === 502);
  });

  test('upload: an aborted signal rejects with aborted before anything is sent', async () => {
    let called = false;
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      upload(new Blob(['x']), { profile: 'p', signal: controller.signal, fetch: async () => { called = true; return new Response('{}'); }, resumeStorage: null }),
      (e) => e.code === 'aborted');
    assert.equal(called, false);
  });
});

describe('shared defaults and codes (docs/client-defaults.md)', () => {
  const doc = readFileSync(new URL('../../../docs/client-defaults.md', import.meta.url), 'utf8');
  const rows = (heading) => {
    const lines = doc.split('\n');
    const start = lines.findIndex((l) => l.startsWith(heading));
    const table = [];
    for (const line of lines.slice(start + 1).filter((l, i, all) => i >= all.findIndex((x) => x.startsWith('|')))) {
      if (!line.startsWith('|')) break;
      table.push(line.trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim().replace(/^`|`$/g, '')));
    }
    return table.slice(2);
  };

  test('DEFAULTS are the table\'s', () => {
    const table = rows('## Defaults');
    assert.deepEqual(Object.keys(DEFAULTS).sort(), table.map((r) => r[1]).sort());
    for (const [, name, , value] of table) assert.equal(String(DEFAULTS[name]), value, name);
  });

  test('ERROR_CODES are the table\'s browser column', () => {
    const table = rows('## Error codes');
    const documented = table.filter((r) => r[1] === 'yes').map((r) => r[0]).sort();
    const exported = Object.values(ERROR_CODES).map((c) => (c === 'storage_error:' ? 'storage_error:{S3 code}' : c)).sort();
    assert.deepEqual(exported, documented);
  });
});
