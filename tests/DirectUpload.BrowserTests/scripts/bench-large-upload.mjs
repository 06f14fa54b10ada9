// A benchmark run by hand (not a test): one big file through the browser module in headless chromium (the sample's
// large page, part MD5 on and off) against curl sending the same bytes with one SigV4-signed PUT, in the same run and
// against the same S3; the sample app's RSS sampled during the uploads; and the proxy baseline endpoint (the body
// through the app) for comparison. See bench/README.md.
//
//   DIRECTUPLOAD_S3_*=… node scripts/bench-large-upload.mjs FILE [--proxy-mib 256]
//
// Deletes the objects it stored. Needs a store that holds the file (RGW_OSD_STORE=bluestore).
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { environment, stopEnvironment } from '../lib/environment.mjs';

const file = process.argv[2];
if (!file) { console.error('usage: node scripts/bench-large-upload.mjs FILE [--proxy-mib 256]'); process.exit(2); }
const proxyMiB = Number(process.argv[process.argv.indexOf('--proxy-mib') + 1] || 256);
const size = statSync(file).size;
const MiB = 1024 * 1024;
const s3 = {
  endpoint: process.env.DIRECTUPLOAD_S3_ENDPOINT, accessKey: process.env.DIRECTUPLOAD_S3_ACCESS_KEY,
  secretKey: process.env.DIRECTUPLOAD_S3_SECRET_KEY, bucket: process.env.DIRECTUPLOAD_S3_BUCKET,
};

function appPid(env) {
  // `dotnet run` starts the app as its child
  const out = spawnSync('ps', ['-o', 'pid=', '--ppid', String(env.app.child.pid)], { encoding: 'utf8' }).stdout.trim().split(/\s+/);
  return Number(out[0]);
}
const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

function curl(method, key, extra = []) {
  const started = process.hrtime.bigint();
  const r = spawnSync('curl', ['-sS', '--fail-with-body', '-o', '/dev/null', '-w', '%{http_code}', '-X', method,
    '--aws-sigv4', 'aws:amz:us-east-1:s3', '--user', `${s3.accessKey}:${s3.secretKey}`,
    '-H', 'x-amz-content-sha256: UNSIGNED-PAYLOAD', ...extra, `${s3.endpoint}/${s3.bucket}/${key}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`curl ${method} failed: ${r.stdout} ${r.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function browserUpload(env, pid, partMd5) {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(`${env.app.url}/large.html?partMd5=${partMd5}`); // large.js forwards it to upload()
  await page.waitForSelector('body[data-ready="true"]');
  await page.setInputFiles('#large-file', file);
  const rss = [];
  const timer = setInterval(() => { try { rss.push(rssMiB(pid)); } catch { /* gone */ } }, 500);
  const started = process.hrtime.bigint();
  await page.click('#large-start');
  await page.waitForSelector('#large-result:not([hidden]), #large-error:not([hidden])', { timeout: 3_600_000 });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(timer);
  const error = await page.$eval('#large-error', (e) => (e.hidden ? '' : e.textContent));
  if (error) throw new Error(`the browser upload failed: ${error}`);
  const key = (await page.textContent('#large-key')).trim();
  await context.close();
  curl('DELETE', key);
  return { seconds, rss };
}

function head(bytes) {
  const buffer = Buffer.alloc(bytes);
  const fd = openSync(file, 'r');
  try { readSync(fd, buffer, 0, bytes, 0); } finally { closeSync(fd); }
  return buffer;
}

async function proxyUpload(env, pid) {
  const bytes = proxyMiB * MiB;
  const rss = [];
  const timer = setInterval(() => { try { rss.push(rssMiB(pid)); } catch { /* gone */ } }, 200);
  const started = process.hrtime.bigint();
  const response = await fetch(`${env.app.url}/api/proxy-upload`, {
    method: 'POST', body: head(bytes),
    headers: { 'Content-Type': 'application/octet-stream', 'X-File-Name': 'bench-proxy.bin' },
  }).catch((e) => ({ ok: false, status: 0, text: async () => String(e) }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(timer);
  const body = response.ok ? await response.json() : null;
  if (body?.key) curl('DELETE', body.key);
  return { bytes, seconds, rss, ok: response.ok, status: response.status };
}

try {
  const env = await environment();
  const pid = appPid(env);
  console.log(`browser upload benchmark: ${(size / MiB).toFixed(0)} MiB from ${file}; app pid ${pid}, RSS ${rssMiB(pid).toFixed(0)} MiB at start`);
  const curlSeconds = curl('PUT', 'bench/curl-one-put.bin', ['--upload-file', file]);
  curl('DELETE', 'bench/curl-one-put.bin');
  const withMd5 = await browserUpload(env, pid, true);
  const withoutMd5 = await browserUpload(env, pid, false);
  const proxy = await proxyUpload(env, pid);
  const rate = (s) => (size / MiB / s).toFixed(0);
  const rssRange = (r) => `${Math.min(...r).toFixed(0)}–${Math.max(...r).toFixed(0)}`;
  console.log('');
  console.log('| uploader | time (s) | MiB/s | ratio vs curl | app RSS during (MiB) |');
  console.log('|---|---|---|---|---|');
  console.log(`| curl, one PUT (baseline) | ${curlSeconds.toFixed(1)} | ${rate(curlSeconds)} | 1.00 | – |`);
  console.log(`| chromium, directupload.js, partMd5: true | ${withMd5.seconds.toFixed(1)} | ${rate(withMd5.seconds)} | ${(curlSeconds / withMd5.seconds).toFixed(2)} | ${rssRange(withMd5.rss)} |`);
  console.log(`| chromium, directupload.js, partMd5: false (default) | ${withoutMd5.seconds.toFixed(1)} | ${rate(withoutMd5.seconds)} | ${(curlSeconds / withoutMd5.seconds).toFixed(2)} | ${rssRange(withoutMd5.rss)} |`);
  console.log(`| proxy baseline (${proxyMiB} MiB through the app) | ${proxy.seconds.toFixed(1)} | ${(proxyMiB / proxy.seconds).toFixed(0)} | – | ${rssRange(proxy.rss)}${proxy.ok ? '' : ` (HTTP ${proxy.status})`} |`);
} finally {
  await stopEnvironment();
}
