// Small helpers shared by the sample's pages (not part of the client library).

/** 1536 → "1.5 KiB". */
export function formatBytes(n) {
  if (!Number.isFinite(n)) return '';
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return i === 0 ? `${n} bytes` : `${n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}

/** Shows an error in an element with role="alert": the server's detail, then its code. */
export function showError(alertEl, error) {
  alertEl.replaceChildren();
  const message = error && error.message ? error.message : String(error);
  alertEl.append(message);
  if (error && error.code) {
    const code = document.createElement('code');
    code.className = 'error-code';
    code.textContent = error.code;
    alertEl.append(' (', code, ')');
  }
  alertEl.dataset.code = error && error.code ? error.code : '';
  alertEl.hidden = false;
}

export function clearError(alertEl) {
  alertEl.replaceChildren();
  alertEl.dataset.code = '';
  alertEl.hidden = true;
}

/** Binds a <progress> + <output> pair to an onProgress callback of the client. */
export function progressReporter(bar, output) {
  const started = performance.now();
  return ({ bytes, total, percent }) => {
    bar.max = 100;
    bar.value = percent;
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0.2 ? ` · ${formatBytes(bytes / seconds)}/s` : '';
    output.textContent = `${percent}% · ${formatBytes(bytes)} of ${formatBytes(total)}${rate}`;
    output.dataset.percent = String(percent);
  };
}

const PAGES = [
  ['/', 'Photo album'],
  ['/documents.html', 'Documents'],
  ['/large.html', 'Large files'],
  ['/uppy.html', 'Uppy'],
  ['/uppy-multipart.html', 'Uppy multipart'],
];

/**
 * Renders the page's <header class="site"> (the same on every page: brand, navigation with the current page marked,
 * and the "signed in as … / sign in" corner); resolves to the session.
 */
export async function renderHeader() {
  const header = document.querySelector('header.site');
  const brand = document.createElement('span');
  brand.className = 'brand';
  brand.textContent = 'DirectUpload sample';
  const nav = document.createElement('nav');
  const here = location.pathname === '/index.html' ? '/' : location.pathname;
  for (const [href, label] of PAGES) {
    const a = document.createElement('a');
    a.href = href;
    a.textContent = label;
    if (href === here) a.setAttribute('aria-current', 'page');
    nav.append(a);
  }
  const session = document.createElement('div');
  session.className = 'session';
  session.id = 'session';
  header.replaceChildren(brand, nav, session);
  return renderSession(session);
}

/** Renders the "signed in as … / sign in" corner of the header; resolves to the session. */
async function renderSession(container) {
  let me = { signedIn: false, name: null };
  try {
    const response = await fetch('/api/me', { credentials: 'same-origin' });
    if (response.ok) me = await response.json();
  } catch { /* offline: show the sign-in form */ }
  container.replaceChildren();
  const returnUrl = location.pathname;
  if (me.signedIn) {
    const who = document.createElement('span');
    who.id = 'signed-in-as';
    who.textContent = `Signed in as ${me.name}`;
    container.append(who, form('/signout', [], 'Sign out', 'secondary'));
  } else {
    const name = document.createElement('input');
    name.type = 'text'; name.name = 'name'; name.value = 'demo'; name.size = 10;
    name.setAttribute('aria-label', 'Demo user name');
    const back = document.createElement('input');
    back.type = 'hidden'; back.name = 'returnUrl'; back.value = returnUrl;
    container.append(form('/signin', [name, back], 'Sign in as demo user'));
  }
  return me;
}

function form(action, fields, label, className) {
  const f = document.createElement('form');
  f.method = 'post'; f.action = action; f.className = 'inline';
  const button = document.createElement('button');
  button.type = 'submit'; button.textContent = label;
  if (className) button.className = className;
  f.append(...fields, button);
  return f;
}

/** Uppy's prebuilt bundle (npm `uppy`, served at /lib/uppy by the sample); `{}` and the notice shown when it is missing. */
export async function loadUppy(missingNotice) {
  try {
    return await import('/lib/uppy/uppy.min.mjs');
  } catch {
    missingNotice.hidden = false;
    return {};
  }
}
