// The world of the browser tests: a real S3, the sample app, and Debian's chromium.
//
//   S3       DIRECTUPLOAD_S3_ENDPOINT/_ACCESS_KEY/_SECRET_KEY/_BUCKET/_REGION (eng/test.sh exports them); when unset, a
//            throwaway Ceph RGW is started with eng/rgw/start-rgw.sh and stopped at the end.
//   the app  `dotnet run --no-build -c Release --project samples/DirectUpload.Sample --urls http://127.0.0.1:<free port>`,
//            with its own SQLite file and a random token key; stopped (its process group) at the end.
//   browser  chromium from DIRECTUPLOAD_CHROMIUM (default /usr/bin/chromium) through playwright-core.
//
// Nothing here skips: when something cannot start, every test that needs it FAILS with the reason.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');
export const artifactsDir = path.join(repoRoot, 'artifacts', 'browser');
const sampleProject = path.join(repoRoot, 'samples', 'DirectUpload.Sample');
const sampleDll = path.join(sampleProject, 'bin', 'Release', 'net10.0', 'DirectUpload.Sample.dll');

const APP_START_TIMEOUT_MS = 90_000;

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let started = null;

/** Starts everything once (later calls share it); rejects with the reason when anything cannot start. */
export function environment() {
  started ??= start();
  return started;
}

/** Stops whatever was started. Safe to call when nothing was. */
export async function stopEnvironment() {
  if (!started) return;
  const env = await started.catch((e) => e.partial ?? null);
  started = null;
  if (!env) return;
  await env.browser?.close().catch(() => {});
  await stopApp(env.app);
  if (env.rgw) stopRgw(env.rgw);
  if (env.tempDir) rmSync(env.tempDir, { recursive: true, force: true });
}

async function start() {
  mkdirSync(artifactsDir, { recursive: true });
  const partial = {};
  try {
    partial.tempDir = mkdtempSync(path.join(os.tmpdir(), 'directupload-browser-'));
    const s3 = s3FromEnvironment() ?? startRgw(partial);
    partial.s3 = s3;
    partial.browser = await launchBrowser();
    partial.app = await startApp(s3, partial.tempDir);
    return partial;
  } catch (e) {
    e.partial = partial;
    throw e;
  }
}

// ------------------------------------------------------------------------------------------ S3

function s3FromEnvironment() {
  const endpoint = process.env.DIRECTUPLOAD_S3_ENDPOINT;
  if (!endpoint) return null;
  const s3 = {
    endpoint,
    accessKey: process.env.DIRECTUPLOAD_S3_ACCESS_KEY,
    secretKey: process.env.DIRECTUPLOAD_S3_SECRET_KEY,
    bucket: process.env.DIRECTUPLOAD_S3_BUCKET,
    region: process.env.DIRECTUPLOAD_S3_REGION || 'us-east-1',
    uploadAccessKey: process.env.DIRECTUPLOAD_S3_UPLOAD_ACCESS_KEY || '',
    uploadSecretKey: process.env.DIRECTUPLOAD_S3_UPLOAD_SECRET_KEY || '',
  };
  for (const [name, value] of Object.entries({ ACCESS_KEY: s3.accessKey, SECRET_KEY: s3.secretKey, BUCKET: s3.bucket })) {
    if (!value) throw new Error(`DIRECTUPLOAD_S3_ENDPOINT is set, so DIRECTUPLOAD_S3_${name} must be set too`);
  }
  return s3;
}

function startRgw(partial) {
  const script = path.join(repoRoot, 'eng', 'rgw', 'start-rgw.sh');
  const result = spawnSync(script, [], { env: { ...process.env, RGW_PICK_PORTS: '1' }, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) {
    throw new Error(`DIRECTUPLOAD_S3_ENDPOINT is not set and a local RGW could not start (${script} exited ${result.status}):\n${tail(result.stderr, 40)}`);
  }
  const vars = {};
  for (const m of result.stdout.matchAll(/^export (\w+)='([^']*)'$/gm)) vars[m[1]] = m[2];
  if (!vars.RGW_ENDPOINT || !vars.RGW_DATA_DIR) throw new Error(`start-rgw.sh printed no RGW_ENDPOINT / RGW_DATA_DIR:\n${result.stdout}`);
  partial.rgw = vars.RGW_DATA_DIR;
  return { endpoint: vars.RGW_ENDPOINT, accessKey: vars.RGW_ACCESS_KEY, secretKey: vars.RGW_SECRET_KEY, bucket: vars.RGW_BUCKET, region: vars.RGW_REGION || 'us-east-1',
    uploadAccessKey: vars.RGW_UPLOAD_ACCESS_KEY || '', uploadSecretKey: vars.RGW_UPLOAD_SECRET_KEY || '' };
}

function stopRgw(dataDir) {
  spawnSync(path.join(repoRoot, 'eng', 'rgw', 'stop-rgw.sh'), [dataDir], { stdio: 'ignore', timeout: 120_000 });
}

// ------------------------------------------------------------------------------------------ the sample app

async function startApp(s3, tempDir) {
  if (!existsSync(sampleDll)) {
    throw new Error(`${path.relative(repoRoot, sampleDll)} does not exist: build first (dotnet build DirectUpload.sln -c Release; eng/test.sh does)`);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // the store's events drive the album (catalog row + thumbnail): RGW's persistent topic pushes photos/ events to the
  // app. Set up before the app starts (the queue holds events meanwhile): RGW 16.2 takes up to 30 s to serve a new topic.
  const eventsSecret = randomBytes(24).toString('base64url');
  setUpNotifications(s3, `${url}/uploads/events?secret=${eventsSecret}`);
  const logPath = path.join(artifactsDir, 'sample-app.log');
  const log = createWriteStream(logPath);
  const child = spawn('dotnet', ['run', '--no-build', '-c', 'Release', '--project', sampleProject, '--urls', url], {
    cwd: repoRoot,
    detached: true, // its own process group: `dotnet run` and the app it starts are stopped together
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DOTNET_CLI_TELEMETRY_OPTOUT: '1',
      DOTNET_NOLOGO: '1',
      DIRECTUPLOAD_S3_ENDPOINT: s3.endpoint,
      DIRECTUPLOAD_S3_ACCESS_KEY: s3.accessKey,
      DIRECTUPLOAD_S3_SECRET_KEY: s3.secretKey,
      DIRECTUPLOAD_S3_BUCKET: s3.bucket,
      DIRECTUPLOAD_S3_REGION: s3.region,
      // the write-only identity that signs upload grants (start-rgw.sh's subuser), as eng/run-sample.sh passes it
      DIRECTUPLOAD_S3_UPLOAD_ACCESS_KEY: s3.uploadAccessKey,
      DIRECTUPLOAD_S3_UPLOAD_SECRET_KEY: s3.uploadSecretKey,
      // production-style: the token key from the environment (a fresh random one), the catalog in a temp dir
      DirectUpload__TokenSigningKey: randomBytes(32).toString('base64'),
      ConnectionStrings__Uploads: `Data Source=${path.join(tempDir, 'uploads.db')}`,
      Sample__EventsSecret: eventsSecret,
    },
  });
  let output = '';
  const collect = (chunk) => { output = (output + chunk).slice(-20_000); log.write(chunk); };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  // if this test process is stopped before the tests end, take the app (its process group) down with it
  const killGroup = () => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } };
  process.once('exit', killGroup);
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => { killGroup(); process.exit(130); });
  const app = { url, child, log, logPath };

  const deadline = Date.now() + APP_START_TIMEOUT_MS;
  while (true) {
    if (exited) {
      throw new Error(`the sample app exited during start-up (code ${exited.code}, signal ${exited.signal}); log ${logPath}:\n${tail(output, 40)}`);
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return app;
    } catch { /* not yet */ }
    if (Date.now() > deadline) {
      await stopApp(app);
      throw new Error(`the sample app did not answer ${url}/healthz within ${APP_START_TIMEOUT_MS / 1000} s; log ${logPath}:\n${tail(output, 40)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Points the bucket's photos/ ObjectCreated events at the app, through a topic of its own (eng/rgw/notify-setup.sh). */
function setUpNotifications(s3, pushUrl) {
  const script = path.join(repoRoot, 'eng', 'rgw', 'notify-setup.sh');
  const result = spawnSync(script, ['--topic', `du-browser-${randomBytes(6).toString('hex')}`, '--prefix', 'photos/', '--push', pushUrl], {
    env: { ...process.env, RGW_ENDPOINT: s3.endpoint, RGW_ACCESS_KEY: s3.accessKey, RGW_SECRET_KEY: s3.secretKey, RGW_BUCKET: s3.bucket, RGW_REGION: s3.region },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.status !== 0) {
    throw new Error(`eng/rgw/notify-setup.sh failed (${result.status ?? result.error}): ${result.stderr}`);
  }
}

async function stopApp(app) {
  if (!app) return;
  const { child } = app;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 10_000));
    if (await Promise.race([exited, timeout]) === 'timeout') {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      await exited;
    }
  }
  await new Promise((resolve) => app.log.end(resolve));
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// ------------------------------------------------------------------------------------------ chromium

async function launchBrowser() {
  const executablePath = process.env.DIRECTUPLOAD_CHROMIUM || '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(`chromium not found at ${executablePath} (set DIRECTUPLOAD_CHROMIUM, or run eng/install-deps.sh)`);
  }
  try {
    return await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: 60_000 });
  } catch (e) {
    throw new Error(`chromium (${executablePath}) could not be launched: ${e.message}`, { cause: e });
  }
}

function tail(text, lines) {
  return String(text ?? '').trimEnd().split('\n').slice(-lines).join('\n');
}

export function readAppLog(app) {
  try { return readFileSync(app.logPath, 'utf8'); } catch { return ''; }
}
