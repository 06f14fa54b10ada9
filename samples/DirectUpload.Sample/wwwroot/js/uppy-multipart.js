// Uppy multipart through DirectUpload: Uppy's AwsS3 plugin in companionEndpoint mode, against the routes that
// app.MapUppyCompanion("/uppy/videos", "videos") maps (POST /multipart, GET /multipart/{id}/{part}, GET /multipart/{id},
// POST /multipart/{id}/complete, DELETE /multipart/{id}, GET /params under /uppy/videos/s3).
//
// The only thing the page adds to a stock Uppy set-up is the file's size in its meta (`size`): Uppy sends no size when
// it creates an upload, and DirectUpload needs it to check the profile's limit first and then sign every part with its
// exact length. The host cuts the upload into the same parts as Uppy (Uppy's default chunk size).
import { clearError, loadUppy, renderHeader, showError } from './ui.js';

const $ = (id) => document.getElementById(id);
const alertEl = $('uppy-error');
await renderHeader();

const { Uppy, Dashboard, AwsS3 } = await loadUppy($('uppy-missing'));

if (Uppy) {
  const uppy = new Uppy({ id: 'directupload-uppy-multipart' })
    .use(Dashboard, { target: '#uppy', inline: true, height: 360, proudlyDisplayPoweredByUppy: false, showProgressDetails: true })
    .use(AwsS3, { companionEndpoint: '/uppy/videos', shouldUseMultipart: true, limit: 4 });
  uppy.on('file-added', (file) => uppy.setFileMeta(file.id, { size: file.size }));
  window.directUploadUppy = uppy; // for the browser tests

  uppy.on('upload', () => clearError(alertEl));
  uppy.on('upload-error', (file, error) => showError(alertEl, error));
  uppy.on('upload-success', (file, response) => {
    const item = document.createElement('li');
    item.dataset.key = response.body.key;
    item.textContent = `${file.name} → ${response.body.key} (${file.size} bytes)`;
    $('uppy-results').append(item);
  });
}

document.body.dataset.ready = 'true';
