// Documents: a presigned POST policy upload with the DirectUpload client, and presigned GET links.
import { upload } from '/_content/DirectUpload.AspNetCore/directupload.js';
import { clearError, formatBytes, progressReporter, renderHeader, showError } from './ui.js';

const $ = (id) => document.getElementById(id);
const input = $('doc-file');
const alertEl = $('doc-error');

/** Asks the host for a presigned GET URL (GET /uploads/{profile}/download). */
async function downloadUrl(key, contentType) {
  const query = new URLSearchParams({ key, inline: 'true', contentType });
  const response = await fetch(`/uploads/documents/download?${query}`, { credentials: 'same-origin' });
  const body = await response.json();
  if (!response.ok) throw Object.assign(new Error(body.detail ?? `HTTP ${response.status}`), { code: body.code });
  return body.url;
}

input.addEventListener('change', async () => {
  const file = input.files[0];
  if (!file) return;
  input.disabled = true;
  clearError(alertEl);
  $('doc-result').hidden = true;
  try {
    const result = await upload(file, { profile: 'documents', onProgress: progressReporter($('doc-progress'), $('doc-progress-text')) });
    $('doc-key').textContent = result.key;
    $('doc-size').textContent = `${result.size} bytes (${formatBytes(result.size)})`;
    $('doc-download').href = await downloadUrl(result.key, result.contentType);
    $('doc-result').hidden = false;
    await loadRecent();
  } catch (error) {
    showError(alertEl, error);
  } finally {
    input.disabled = false;
    input.value = '';
  }
});

async function loadRecent() {
  const response = await fetch('/api/uploads/documents', { credentials: 'same-origin' });
  if (!response.ok) return;
  const { uploads } = await response.json();
  const table = $('recent');
  table.tBodies[0].replaceChildren(...uploads.map((u) => {
    const tr = document.createElement('tr');
    const name = document.createElement('td'); name.textContent = u.fileName;
    const size = document.createElement('td'); size.textContent = formatBytes(u.size);
    const type = document.createElement('td'); type.textContent = u.contentType;
    const open = document.createElement('td');
    const button = document.createElement('button');
    button.type = 'button'; button.className = 'secondary'; button.textContent = 'Open';
    button.addEventListener('click', async () => {
      try { window.open(await downloadUrl(u.key, u.contentType), '_blank', 'noopener'); } catch (e) { showError(alertEl, e); }
    });
    open.append(button);
    tr.append(name, size, type, open);
    return tr;
  }));
  table.hidden = uploads.length === 0;
  $('recent-empty').hidden = uploads.length > 0;
}

await renderHeader();
document.body.dataset.ready = 'true';
await loadRecent();
