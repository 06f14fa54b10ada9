// The photo album: uploads images with the DirectUpload client, then lists them from the app's catalog
// (GET /api/photos), each shown through a short-lived presigned GET URL.
import { upload } from '/_content/DirectUpload.AspNetCore/directupload.js';
import { clearError, formatBytes, progressReporter, renderHeader, showError } from './ui.js';

const input = document.getElementById('photo-file');
const bar = document.getElementById('photo-progress');
const progressText = document.getElementById('photo-progress-text');
const alertEl = document.getElementById('photo-error');
const status = document.getElementById('photo-status');
const gallery = document.getElementById('gallery');
const empty = document.getElementById('gallery-empty');
const hint = document.getElementById('signin-hint');
// when the store's events reach the app (GET /api/photos says so), the page does not confirm: the event does, and
// the thumbnail processor runs after it; the album shows "processing…" until the thumbnail exists
let eventsEnabled = false;
let pollTimer = null;

async function loadGallery() {
  const response = await fetch('/api/photos', { credentials: 'same-origin' });
  if (response.status === 401) {
    gallery.replaceChildren();
    empty.hidden = false;
    empty.textContent = 'Sign in to see your photos.';
    return;
  }
  if (!response.ok) throw new Error(`GET /api/photos answered ${response.status}`);
  const body = await response.json();
  const photos = body.photos;
  eventsEnabled = body.eventsEnabled === true;
  const pending = status.dataset.key && !photos.some((p) => p.key === status.dataset.key);
  gallery.replaceChildren(...photos.map((photo) => {
    const li = document.createElement('li');
    li.dataset.key = photo.key;
    const figure = document.createElement('figure');
    const img = document.createElement('img');
    if (photo.thumbnailUrl) {
      img.src = photo.thumbnailUrl;
      img.classList.add('thumbnail');
      li.dataset.thumbnail = 'true';
      img.title = `${photo.width}×${photo.height}`;
    } else if (eventsEnabled) {
      const note = document.createElement('p');
      note.className = 'processing';
      note.textContent = 'processing…';
      figure.append(note);
      img.src = photo.url;
    } else {
      img.src = photo.url;
    }
    img.alt = photo.fileName;
    img.loading = 'lazy';
    img.addEventListener('error', () => {
      // e.g. the catalog outlived a throwaway local S3: the object is gone
      img.classList.add('missing');
      img.alt = `${photo.fileName} (not found in storage)`;
    }, { once: true });
    const caption = document.createElement('figcaption');
    caption.textContent = `${photo.fileName} · ${formatBytes(photo.size)}` + (photo.width ? ` · ${photo.width}×${photo.height}` : '');
    figure.append(img, caption);
    li.append(figure);
    return li;
  }));
  empty.hidden = photos.length > 0;
  empty.textContent = 'No photos yet.';
  if (pending) {
    const li = document.createElement('li');
    li.dataset.key = status.dataset.key;
    li.innerHTML = '<figure><p class="processing">processing…</p></figure>';
    gallery.prepend(li);
    empty.hidden = true;
  }
  // poll while the store's event has not arrived or a thumbnail is still being made
  clearTimeout(pollTimer);
  if (eventsEnabled && (pending || photos.some((p) => !p.thumbnailUrl))) {
    pollTimer = setTimeout(() => loadGallery().catch(() => {}), 1500);
  }
}

input.addEventListener('change', async () => {
  const files = [...input.files];
  if (files.length === 0) return;
  input.disabled = true;
  clearError(alertEl);
  status.textContent = '';
  try {
    for (const file of files) {
      progressText.textContent = `Uploading ${file.name}…`;
      const result = await upload(file, { profile: 'photos', confirm: !eventsEnabled, onProgress: progressReporter(bar, progressText) });
      status.textContent = `Uploaded ${file.name} (${formatBytes(result.size)}) straight to S3 as ${result.key}.`;
      status.dataset.key = result.key;
      await loadGallery();
    }
  } catch (error) {
    showError(alertEl, error);
    progressText.textContent = 'Upload failed.';
  } finally {
    input.disabled = false;
    input.value = '';
  }
});

const me = await renderHeader();
hint.hidden = me.signedIn;
document.body.dataset.ready = 'true';
await loadGallery();
document.body.dataset.galleryLoaded = 'true';
