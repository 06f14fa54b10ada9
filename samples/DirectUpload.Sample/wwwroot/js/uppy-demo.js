// Uppy driving DirectUpload: Uppy's AwsS3 plugin uploads, DirectUpload's host endpoints grant and confirm.
//
// Uppy 6's AwsS3 plugin asks a signRequest({ method, key }) callback for a presigned URL and may take back the key the
// server chose. Here the placeholder key is Uppy's file id; the callback looks the file up, asks the host for a grant
// for its name, type and size (POST /uploads/{profile}), and returns the grant's URL and key. Uppy then PUTs the file
// with its Content-Type, which is exactly what a DirectUpload PUT grant signs (with the size), and the page confirms
// each upload with the grant's token (POST /uploads/{profile}/complete). Only single PUTs fit this plugin: its
// multipart mode has the browser create the upload in S3 itself, where DirectUpload has the host do it (use
// directupload.js for multipart). Uppy sends only Content-Type, but a PUT grant signs more (If-None-Match: *, the
// canned ACL, empty x-amz-tagging / x-amz-website-redirect-location, and any metadata): the small XMLHttpRequest hook
// below adds exactly the grant's other headers to Uppy's PUT of that grant's URL, so S3 still sees what was signed.
import { clearError, loadUppy, renderHeader, showError } from './ui.js';

const profile = 'photos';
const $ = (id) => document.getElementById(id);
const alertEl = $('uppy-error');
await renderHeader();

const { Uppy, Dashboard, AwsS3 } = await loadUppy($('uppy-missing'));

/** POSTs JSON to the host and returns the JSON answer, or throws its problem (detail, code, status). */
async function post(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw Object.assign(new Error(json.detail ?? `HTTP ${response.status}`), { code: json.code, status: response.status });
  }
  return json;
}

/** Grant URL -> the grant's headers that Uppy does not send itself (it sets Content-Type; the browser the length). */
const grantHeaders = new Map();
const { open: xhrOpen, send: xhrSend } = XMLHttpRequest.prototype;
XMLHttpRequest.prototype.open = function open(method, url, ...rest) {
  this.directUploadUrl = String(url);
  return xhrOpen.call(this, method, url, ...rest);
};
XMLHttpRequest.prototype.send = function send(body) {
  const headers = grantHeaders.get(this.directUploadUrl);
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!['content-type', 'content-length', 'host'].includes(name.toLowerCase())) this.setRequestHeader(name, value);
  }
  return xhrSend.call(this, body);
};

if (Uppy) {
  const tokens = new Map(); // Uppy file id -> the grant's token
  const uppy = new Uppy({ id: 'directupload-uppy' })
    .use(Dashboard, { target: '#uppy', inline: true, height: 320, proudlyDisplayPoweredByUppy: false })
    .use(AwsS3, {
      shouldUseMultipart: false,
      limit: 4,
      generateObjectKey: (file) => file.id, // a placeholder: the host names the object
      async signRequest(request) {
        if (request.method !== 'PUT' || request.uploadId) {
          throw new Error('This demo signs single PUT uploads only.');
        }
        const file = uppy.getFile(request.key);
        const grant = await post(`/uploads/${profile}`, {
          fileName: file.name,
          contentType: file.type || 'application/octet-stream',
          size: file.size,
        });
        if (grant.method !== 'PUT') throw new Error(`Profile ${profile} issues ${grant.method} grants; this demo needs PUT.`);
        tokens.set(file.id, grant.token);
        grantHeaders.set(grant.url, grant.headers ?? {});
        return { url: grant.url, key: grant.key };
      },
    });
  window.directUploadUppy = uppy; // for the browser tests

  uppy.on('upload', () => clearError(alertEl));
  uppy.on('upload-error', (file, error) => showError(alertEl, error));
  uppy.on('upload-success', async (file) => {
    try {
      const confirmed = await post(`/uploads/${profile}/complete`, { token: tokens.get(file.id) });
      const item = document.createElement('li');
      item.dataset.key = confirmed.key;
      item.textContent = `${file.name} → ${confirmed.key} (${confirmed.size} bytes, ${confirmed.contentType})`;
      $('uppy-results').append(item);
    } catch (error) {
      showError(alertEl, error);
    }
  });
}

document.body.dataset.ready = 'true';
