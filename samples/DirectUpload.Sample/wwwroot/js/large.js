// Large files: a multipart upload with the DirectUpload client, and (for comparison only) the proxy baseline.
import { upload } from '/_content/DirectUpload.AspNetCore/directupload.js';
import { clearError, formatBytes, progressReporter, renderHeader, showError } from './ui.js';

const $ = (id) => document.getElementById(id);
const input = $('large-file');
const startButton = $('large-start');
const cancelButton = $('large-cancel');
const alertEl = $('large-error');
const progressText = $('large-progress-text');
let controller = null;

// ?stallTimeout=ms&retries=n&partMd5=true override the client's defaults (30 s, 4, false), e.g. to see a stall quickly
const query = new URLSearchParams(location.search);
const numberParam = (name) => (query.has(name) && Number.isFinite(Number(query.get(name))) ? Number(query.get(name)) : undefined);

input.addEventListener('change', () => {
  startButton.disabled = input.files.length === 0;
  startButton.textContent = 'Upload';
});

startButton.addEventListener('click', async () => {
  const file = input.files[0];
  if (!file) return;
  controller = new AbortController();
  startButton.disabled = true;
  cancelButton.disabled = false;
  input.disabled = true;
  clearError(alertEl);
  $('large-result').hidden = true;
  progressText.textContent = `Starting ${file.name}…`;
  const started = performance.now();
  try {
    const result = await upload(file, {
      profile: 'large',
      multipartThreshold: 0, // always multipart on this page (the profile is multipart-only anyway)
      parallel: 4,
      stallTimeout: numberParam('stallTimeout'),
      retries: numberParam('retries'),
      partMd5: query.has('partMd5') ? query.get('partMd5') === 'true' : undefined,
      signal: controller.signal,
      onProgress: progressReporter($('large-progress'), progressText),
    });
    const seconds = (performance.now() - started) / 1000;
    $('large-key').textContent = result.key;
    $('large-size').textContent = `${result.size} bytes (${formatBytes(result.size)})`;
    $('large-size').dataset.bytes = String(result.size);
    $('large-time').textContent = `${seconds.toFixed(1)} s · ${formatBytes(result.size / Math.max(seconds, 0.001))}/s`;
    $('large-result').hidden = false;
    progressText.textContent += ' · complete';
    startButton.textContent = 'Upload';
    await loadRecent();
  } catch (error) {
    showError(alertEl, error);
    // the parts S3 has are kept: the same file (even after a reload) continues from them
    startButton.textContent = 'Resume';
    alertEl.append(' The parts already stored are kept: press Resume (or pick the same file again later) to continue.');
  } finally {
    controller = null;
    cancelButton.disabled = true;
    startButton.disabled = input.files.length === 0;
    input.disabled = false;
  }
});

cancelButton.addEventListener('click', () => controller?.abort());

// ⚠ Baseline only: the whole file through the app (POST /api/proxy-upload), for comparison.
$('proxy-file').addEventListener('change', () => {
  const file = $('proxy-file').files[0];
  if (!file) return;
  const alert = $('proxy-error');
  const status = $('proxy-status');
  clearError(alert);
  status.textContent = '';
  const report = progressReporter($('proxy-progress'), $('proxy-progress-text'));
  const xhr = new XMLHttpRequest();
  const started = performance.now();
  xhr.open('POST', '/api/proxy-upload');
  xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
  xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name));
  xhr.upload.onprogress = (e) => report({ bytes: e.loaded, total: e.total, percent: Math.floor((e.loaded * 100) / (e.total || 1)) });
  xhr.onload = () => {
    let body = null;
    try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
    if (xhr.status >= 200 && xhr.status < 300) {
      const seconds = (performance.now() - started) / 1000;
      status.textContent = `Through the app: ${body.key}, ${formatBytes(body.size)} in ${seconds.toFixed(1)} s.`;
    } else {
      showError(alert, { message: body?.detail ?? `The app answered ${xhr.status}.`, code: body?.code ?? `http_${xhr.status}` });
    }
    $('proxy-file').value = '';
  };
  xhr.onerror = () => showError(alert, { message: 'The upload through the app failed (network error).', code: 'network_error' });
  xhr.send(file);
});

async function loadRecent() {
  const response = await fetch('/api/uploads/large', { credentials: 'same-origin' });
  if (!response.ok) return;
  const { uploads } = await response.json();
  const table = $('recent');
  table.tBodies[0].replaceChildren(...uploads.map((u) => {
    const tr = document.createElement('tr');
    tr.dataset.key = u.key;
    const key = document.createElement('td'); key.className = 'key'; key.textContent = u.key;
    const size = document.createElement('td'); size.textContent = formatBytes(u.size);
    const when = document.createElement('td'); when.textContent = new Date(u.uploadedAt).toLocaleString();
    tr.append(key, size, when);
    return tr;
  }));
  table.hidden = uploads.length === 0;
  $('recent-empty').hidden = uploads.length > 0;
}

await renderHeader();
document.body.dataset.ready = 'true';
await loadRecent();
