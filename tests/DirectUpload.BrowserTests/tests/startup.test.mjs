// Issue 8, item 3: the sample ships no usable token key, and rate-limits its upload endpoints.
// The sample's built dll is started directly (no launch profile), so the environment is exactly what each test sets.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

// no browser here: this file needs neither chromium nor playwright
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const binDir = path.join(repoRoot, 'samples', 'DirectUpload.Sample', 'bin', 'Release', 'net10.0');
const dll = path.join(binDir, 'DirectUpload.Sample.dll');
const tempDir = mkdtempSync(path.join(os.tmpdir(), 'directupload-startup-'));
const running = new Set();

after(() => {
  for (const child of running) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }
  rmSync(tempDir, { recursive: true, force: true });
});

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => { const { port } = server.address(); server.close(() => resolve(port)); });
  });
}

/** Starts the sample; resolves when it answers /healthz or exits. No S3 call happens at start-up or when signing. */
async function start(environment, extraEnv = {}) {
  assert.ok(existsSync(dll), `${dll} does not exist: build first (dotnet build DirectUpload.sln -c Release)`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...process.env };
  delete env.DirectUpload__TokenSigningKey;
  Object.assign(env, {
    DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1',
    ASPNETCORE_ENVIRONMENT: environment,
    DIRECTUPLOAD_S3_ENDPOINT: 'http://127.0.0.1:9', DIRECTUPLOAD_S3_ACCESS_KEY: 'startup-test', DIRECTUPLOAD_S3_SECRET_KEY: 'startup-test-secret',
    DIRECTUPLOAD_S3_BUCKET: 'startup-test', DIRECTUPLOAD_S3_REGION: 'us-east-1',
    ConnectionStrings__Uploads: `Data Source=${path.join(tempDir, `${port}.db`)}`,
    ...extraEnv,
  });
  const child = spawn('dotnet', [dll, '--urls', url], { cwd: binDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  child.stdout.on('data', (c) => { output += c; });
  child.stderr.on('data', (c) => { output += c; });
  let exit = null;
  const exited = new Promise((resolve) => child.on('exit', (code) => { exit = { code }; running.delete(child); resolve(); }));
  const deadline = Date.now() + 60_000;
  while (!exit && Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) })).ok) break;
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    get output() { return output; },
    get exit() { return exit; },
    async stop() { if (!exit) { try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ } await exited; } },
  };
}

const grantRequest = (url) => fetch(`${url}/uploads/documents`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ fileName: 'a.txt', contentType: 'text/plain', size: 10 }),
});

describe('sample start-up and rate limit (issue 8)', () => {
  test('outside Development, no token key: the sample refuses to start and says why', async () => {
    const app = await start('Production');
    try {
      assert.ok(app.exit, 'the sample must not start without a token key');
      assert.notEqual(app.exit.code, 0);
      assert.match(app.output, /DirectUpload:TokenSigningKey is not set/);
      assert.match(app.output, /openssl rand -base64 32/);
    } finally { await app.stop(); }
  });

  test('in Development, no token key: a random per-process key, a warning, and tokens that die with the process', async () => {
    const first = await start('Development');
    let token;
    try {
      assert.equal(first.exit, null, `the sample exited: ${first.output.slice(-2000)}`);
      assert.match(first.output, /random key generated for this process/);
      assert.match(first.output, /Tokens die with the process/);
      const grant = await grantRequest(first.url);
      assert.equal(grant.status, 200);
      token = (await grant.json()).token;
    } finally { await first.stop(); }

    // a second process has another key: the first one's token is refused (invalid_token), before any S3 call
    const second = await start('Development');
    try {
      const confirm = await fetch(`${second.url}/uploads/documents/complete`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }),
      });
      assert.equal(confirm.status, 400);
      assert.equal((await confirm.json()).code, 'invalid_token');
    } finally { await second.stop(); }
  });

  test('the upload endpoints are rate-limited per client: 429 problem+json rate_limited with Retry-After', async () => {
    const app = await start('Development', { Sample__RateLimit__PermitLimit: '3', Sample__RateLimit__WindowSeconds: '600' });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await grantRequest(app.url)).status, 200, `request ${i + 1} is within the limit`);
      const refused = await grantRequest(app.url);
      assert.equal(refused.status, 429);
      assert.match(refused.headers.get('content-type') ?? '', /application\/problem\+json/);
      assert.equal((await refused.json()).code, 'rate_limited');
      assert.ok(Number(refused.headers.get('retry-after')) > 0);
      // the rest of the app is not limited
      assert.equal((await fetch(`${app.url}/healthz`)).status, 200);
    } finally { await app.stop(); }
  });
});
