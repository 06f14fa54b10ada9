// The world of the browser tests: a real S3, the sample app, and Debian's chromium.
//
//   S3       DIRECTUPLOAD_S3_ENDPOINT/_ACCESS_KEY/_SECRET_KEY/_BUCKET/_REGION (eng/test.sh exports them); when unset, a
//            throwaway Ceph RGW is started with eng/rgw/start-rgw.sh and stopped at the end.
//   the app  `dotnet run --no-build -c Release --project samples/DirectUpload.Sample --urls http://127.0.0.1:<free port>`,
//            with its own SQLite file and a random token key; stopped (its process group) at the end.
//   browser  chromium from DIRECTUPLOAD_CHROMIUM (default /usr/bin/chromium) through playwright-core.
//   workers  environment({ workers: N }) (worker mode, issue 12): instead of an HTTP bucket notification to the app, RGW's
//            persistent AMQP topic for photos/ pushes to RabbitMQ (DIRECTUPLOAD_RABBITMQ_URI and
//            DIRECTUPLOAD_RABBITMQ_RGW_PUSH_ENDPOINT, as eng/test.sh exports them; when unset, a throwaway node is
//            started with eng/rabbitmq/start-rabbitmq.sh), with a queue and topic (routing key) of this run on the node's
//            events exchange, and N worker
//            processes of the sample make the thumbnails. Topic and workers go through eng/sample-workers.sh, as
//            `eng/run-sample.sh --workers N` does; every process is stopped by its PID (process group) at the end.
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

/**
 * Starts everything once (later calls share it, whatever their options); rejects with the reason when anything cannot
 * start. `workers`: 0 (default) = the store's events go to the app over HTTP; N > 0 = worker mode with N workers.
 */
export function environment({ workers = 0 } = {}) {
  started ??= start(workers);
  return started;
}

/** Stops whatever was started. Safe to call when nothing was. */
export async function stopEnvironment() {
  if (!started) return;
  const env = await started.catch((e) => e.partial ?? null);
  started = null;
  if (!env) return;
  await env.browser?.close().catch(() => {});
  await Promise.all([env.app, ...(env.workers ?? [])].map(stopProcess));
  if (env.rabbit?.dataDir) stopRabbit(env.rabbit.dataDir);
  if (env.rgw) stopRgw(env.rgw);
  if (env.tempDir) rmSync(env.tempDir, { recursive: true, force: true });
}

async function start(workers) {
  mkdirSync(artifactsDir, { recursive: true });
  const partial = {};
  try {
    partial.tempDir = mkdtempSync(path.join(os.tmpdir(), 'directupload-browser-'));
    const s3 = s3FromEnvironment() ?? startRgw(partial);
    partial.s3 = s3;
    partial.browser = await launchBrowser();
    if (workers > 0) {
      await startWorkerMode(partial, s3, workers);
    } else {
      partial.app = await startApp(s3, partial.tempDir);
    }
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

/** Environment of the sample (web host and workers alike): the S3, a fresh random token key, the catalog in `tempDir`. */
function sampleEnvironment(s3, tempDir, tokenKey) {
  return {
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
    DirectUpload__TokenSigningKey: tokenKey,
    ConnectionStrings__Uploads: `Data Source=${path.join(tempDir, 'uploads.db')}`,
  };
}

/**
 * Starts the sample web host. `workerMode`: the store's events go to RabbitMQ and the workers (the caller sets that up),
 * so no HTTP notification points at this app; it still gets an events secret, so that the album waits for the event.
 */
async function startApp(s3, tempDir, { tokenKey = randomBytes(32).toString('base64'), workerMode = false } = {}) {
  if (!existsSync(sampleDll)) {
    throw new Error(`${path.relative(repoRoot, sampleDll)} does not exist: build first (dotnet build DirectUpload.sln -c Release; eng/test.sh does)`);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // the store's events drive the album (catalog row + thumbnail): RGW's persistent topic pushes photos/ events to the
  // app. Set up before the app starts (the queue holds events meanwhile): RGW 16.2 takes up to 30 s to serve a new topic.
  const eventsSecret = randomBytes(24).toString('base64url');
  if (!workerMode) setUpNotifications(s3, `${url}/uploads/events?secret=${eventsSecret}`);
  const app = startLogged('the sample app', 'dotnet', ['run', '--no-build', '-c', 'Release', '--project', sampleProject, '--urls', url],
    { ...sampleEnvironment(s3, tempDir, tokenKey), Sample__EventsSecret: eventsSecret }, 'sample-app.log');
  app.url = url;

  const deadline = Date.now() + APP_START_TIMEOUT_MS;
  while (true) {
    if (app.exited) {
      throw new Error(`the sample app exited during start-up (code ${app.exited.code}, signal ${app.exited.signal}); log ${app.logPath}:\n${tail(app.output(), 40)}`);
    }
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return app;
    } catch { /* not yet */ }
    if (Date.now() > deadline) {
      await stopProcess(app);
      throw new Error(`the sample app did not answer ${url}/healthz within ${APP_START_TIMEOUT_MS / 1000} s; log ${app.logPath}:\n${tail(app.output(), 40)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Starts `command` in a process group of its own (stopped together by its PID: `dotnet run` and the app it starts), its
 * output into artifacts/browser/`logName`. Returns { child, pid, log, logPath, output(), exited }.
 */
function startLogged(what, command, args, env, logName) {
  const logPath = path.join(artifactsDir, logName);
  const log = createWriteStream(logPath);
  const child = spawn(command, args, { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  let output = '';
  const collect = (chunk) => { output = (output + chunk).slice(-20_000); log.write(chunk); };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const proc = { what, child, pid: child.pid, log, logPath, output: () => output, exited: null };
  child.on('exit', (code, signal) => { proc.exited = { code, signal }; });
  // if this test process is stopped before the tests end, take the process group down with it
  const killGroup = () => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } };
  process.once('exit', killGroup);
  for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => { killGroup(); process.exit(130); });
  return proc;
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

/** Stops a process of startLogged: TERM to its process group (by its PID), KILL after 10 s. */
async function stopProcess(proc) {
  if (!proc) return;
  const { child } = proc;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
    const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), 10_000));
    if (await Promise.race([exited, timeout]) === 'timeout') {
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
      await exited;
    }
  }
  await new Promise((resolve) => proc.log.end(resolve));
}

// ------------------------------------------------------------------------------------------ worker mode (issue 12)

const WORKER_START_TIMEOUT_MS = 90_000;
const sampleWorkers = path.join(repoRoot, 'eng', 'sample-workers.sh');

/**
 * Worker mode, as `eng/run-sample.sh --workers N`: RGW's persistent AMQP topic for photos/ -> RabbitMQ (an exchange,
 * queue and topic of this run) -> N workers `worker-1`…, and the web host without an HTTP notification. Everything is
 * recorded in `partial` as soon as it runs, so that stopEnvironment stops it even when a later step fails.
 */
async function startWorkerMode(partial, s3, count) {
  const rabbit = rabbitFromEnvironment() ?? startRabbit(partial);
  partial.rabbit = rabbit;
  await assertReachable(rabbit);
  const run = `du-browser-${randomBytes(4).toString('hex')}`;
  const tokenKey = randomBytes(32).toString('base64');
  const amqp = {
    // the node's events exchange, shared: RGW 16.2 pushes to one exchange per broker (eng/rabbitmq/NOTES.md), and guest
    // may write to that one only; this run's topic (the routing key) and queue keep its events apart
    SAMPLE_AMQP_TOPIC: `${run}-photos`, SAMPLE_AMQP_EXCHANGE: rabbit.eventsExchange, SAMPLE_AMQP_QUEUE: `${run}.photos`,
    SAMPLE_CONFIGURATION: 'Release', RABBITMQ_URI: rabbit.uri, RABBITMQ_RGW_PUSH_ENDPOINT: rabbit.rgwPushEndpoint,
    // amqp-ack-level=none: radosgw 16.2 crashed under heavy load pushing with "broker" (bench/README.md); this RGW is
    // shared with the rest of the run, and the broker tests prove the "broker" level (RabbitMQ restarted, nothing lost)
    TOPIC_ACK_LEVEL: 'none',
  };
  const env = { ...sampleEnvironment(s3, partial.tempDir, tokenKey), ...amqp };
  partial.amqp = amqp;

  // the topic first (RGW 16.2 takes up to 30 s to serve a new one; its persistent queue holds events meanwhile)
  const topic = spawnSync(sampleWorkers, ['topic'], { env, encoding: 'utf8', timeout: 120_000 });
  if (topic.status !== 0) {
    throw new Error(`eng/sample-workers.sh topic failed (${topic.status ?? topic.error}): ${tail(topic.stderr, 20)}`);
  }

  partial.workers = [];
  for (let i = 1; i <= count; i++) {
    const id = `worker-${i}`;
    const worker = startLogged(id, sampleWorkers, ['worker', id], env, `sample-${id}.log`);
    worker.id = id;
    partial.workers.push(worker);
  }
  // all settled, not all: an app still starting when a worker fails must be in `partial` to be stopped
  const results = await Promise.allSettled([
    startApp(s3, partial.tempDir, { tokenKey, workerMode: true }).then((a) => { partial.app = a; }),
    ...partial.workers.map((w) => waitForConsuming(w, amqp.SAMPLE_AMQP_QUEUE)),
  ]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** Resolves once the worker logged that it consumes `queue` (its topology, exchange included, is declared then). */
async function waitForConsuming(worker, queue) {
  const deadline = Date.now() + WORKER_START_TIMEOUT_MS;
  while (!worker.output().includes(`DirectUpload worker consuming queue ${queue}`)) {
    if (worker.exited) {
      throw new Error(`${worker.what} exited during start-up (code ${worker.exited.code}, signal ${worker.exited.signal}); log ${worker.logPath}:\n${tail(worker.output(), 40)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`${worker.what} did not start consuming ${queue} from RabbitMQ within ${WORKER_START_TIMEOUT_MS / 1000} s; log ${worker.logPath}:\n${tail(worker.output(), 40)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function rabbitFromEnvironment() {
  const uri = process.env.DIRECTUPLOAD_RABBITMQ_URI;
  const rgwPushEndpoint = process.env.DIRECTUPLOAD_RABBITMQ_RGW_PUSH_ENDPOINT;
  if (!uri && !rgwPushEndpoint) return null;
  if (!uri || !rgwPushEndpoint) {
    throw new Error('worker mode needs both DIRECTUPLOAD_RABBITMQ_URI and DIRECTUPLOAD_RABBITMQ_RGW_PUSH_ENDPOINT (eng/test.sh exports them)');
  }
  return { uri, rgwPushEndpoint, eventsExchange: process.env.DIRECTUPLOAD_RABBITMQ_EVENTS_EXCHANGE || 'directupload.events' };
}

function startRabbit(partial) {
  const script = path.join(repoRoot, 'eng', 'rabbitmq', 'start-rabbitmq.sh');
  const env = { ...process.env };
  delete env.RABBITMQ_DATA_DIR;
  delete env.RABBITMQ_PORT;
  const result = spawnSync(script, [], { env, encoding: 'utf8', timeout: 180_000 });
  const vars = {};
  for (const m of (result.stdout ?? '').matchAll(/^export (\w+)='([^']*)'$/gm)) vars[m[1]] = m[2];
  if (vars.RABBITMQ_DATA_DIR) partial.rabbit = { dataDir: vars.RABBITMQ_DATA_DIR };
  if (result.status !== 0 || !vars.RABBITMQ_URI || !vars.RABBITMQ_RGW_PUSH_ENDPOINT) {
    throw new Error(`worker mode needs RabbitMQ: DIRECTUPLOAD_RABBITMQ_URI is not set and a local node could not start (${script} exited ${result.status ?? result.error}; run eng/install-deps.sh):\n${tail(result.stderr, 30)}`);
  }
  return {
    uri: vars.RABBITMQ_URI, rgwPushEndpoint: vars.RABBITMQ_RGW_PUSH_ENDPOINT, dataDir: vars.RABBITMQ_DATA_DIR,
    eventsExchange: vars.RABBITMQ_EVENTS_EXCHANGE || 'directupload.events',
  };
}

function stopRabbit(dataDir) {
  spawnSync(path.join(repoRoot, 'eng', 'rabbitmq', 'stop-rabbitmq.sh'), [dataDir], { stdio: 'ignore', timeout: 120_000 });
}

/** Fails at once, with the address, when nothing listens on the broker's AMQP port. */
function assertReachable(rabbit) {
  const { hostname, port } = new URL(rabbit.uri);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) || 5672 });
    socket.setTimeout(5_000);
    const fail = (e) => { socket.destroy(); reject(new Error(`RabbitMQ (DIRECTUPLOAD_RABBITMQ_URI) does not answer on ${hostname}:${port || 5672}: ${e?.message ?? 'timeout'}`)); };
    socket.once('connect', () => { socket.end(); resolve(); });
    socket.once('error', fail);
    socket.once('timeout', () => fail());
  });
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
