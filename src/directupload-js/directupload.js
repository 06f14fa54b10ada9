// directupload.js — the browser client of DirectUpload (src/directupload-js in its repository), MIT licence.
//
// A dependency-free ES module: copy it into your app or serve it as is. It talks to the endpoints that
// `app.MapDirectUploads("/uploads")` maps on the host and sends the file's bytes straight to S3:
//
//   import { upload } from '/_content/DirectUpload.AspNetCore/directupload.js';
//   const result = await upload(file, {
//     profile: 'photos',
//     onProgress: ({ bytes, total, percent }) => { bar.value = percent; },
//   });
//   console.log(result.key, result.size);
//
// Single uploads: grant (POST {basePath}/{profile}) → PUT or POST to S3 → confirm (POST …/complete).
// Multipart (files ≥ multipartThreshold, or when the profile answers `method_not_allowed`): start → sign parts in
// batches → PUT parts in parallel (retry with backoff per part) → complete. The S3 bucket's CORS rule must allow the
// page's origin, the methods PUT and POST, the request headers the grants carry, and expose the `ETag` header.
//
// Errors are thrown as DirectUploadError: `.code` is the host's stable problem+json `code` (e.g. `too_large`,
// `content_type_not_allowed`, `unauthenticated`) or one of this client's own (ERROR_CODES: `storage_error:{S3 code}`,
// `etag_not_exposed`, `network_error`, `aborted`, `storage_stalled`, `storage_throttled`, `storage_full`, `invalid_grant`,
// `unexpected_response`; the table shared with the .NET client is docs/client-defaults.md), `.status` the
// HTTP status, and `.message` the server's `detail`. A multipart upload that failed stays resumable: uploading the
// same file again (even after the tab was closed) sends only the parts S3 does not have.
//
// Integrity (option `partMd5`, or a profile that requires Content-MD5): each multipart part carries its MD5 (computed
// here, signed by the host into the part URL), so S3 refuses a part whose bytes changed (`storage_error:BadDigest`).

/**
 * Progress of an upload.
 * @typedef {object} UploadProgress
 * @property {number} bytes    Bytes sent so far (parts that failed and are retried count from zero again).
 * @property {number} total    The file's size in bytes.
 * @property {number} percent  0–100, an integer; 100 once every byte has been sent.
 */

/**
 * Options of {@link upload}.
 * @typedef {object} UploadOptions
 * @property {string} profile                 The upload profile configured on the host (e.g. `photos`).
 * @property {string} [basePath='/uploads']   Where the host mapped the DirectUpload endpoints.
 * @property {(progress: UploadProgress) => void} [onProgress]  Called as bytes are sent.
 * @property {AbortSignal} [signal]           Cancels the upload (the promise rejects with code `aborted`).
 * @property {number} [multipartThreshold=104857600]  Files of this size (100 MiB) or more go multipart.
 * @property {number} [parallel=4]            Parts sent at the same time (multipart).
 * @property {number} [retries=4]             Retries per S3 request (network errors, stalls, 5xx, 408, 429) with exponential backoff.
 * @property {number} [stallTimeout=30000]    Milliseconds an S3 request may go without progress (no byte taken, no answer)
 *                                            before it is aborted and retried; after the retries the upload fails with
 *                                            `storage_stalled`. 0 waits forever.
 * @property {boolean} [partMd5=false]        Send each multipart part with its MD5 (Content-MD5, signed into its URL), so S3
 *                                            refuses a part whose bytes changed. Off by default: hashing costs throughput
 *                                            (bench/README.md); a profile with RequireContentMd5 turns it on by itself.
 * @property {typeof fetch} [fetch]           The fetch used to call the host (not S3), e.g. one that adds auth.
 * @property {Record<string, string>} [headers]  Extra headers for the calls to the host (e.g. an anti-forgery token).
 * @property {string} [fileName]              Overrides `file.name`.
 * @property {string} [contentType]           Overrides `file.type` (default `application/octet-stream` when the browser knows none).
 * @property {Storage|null} [resumeStorage]   Where unfinished multipart uploads are remembered so that uploading the same
 *                                            file again resumes them; default `localStorage`, `null` to disable.
 */

/**
 * What was stored, as confirmed by the host against S3.
 * @typedef {object} UploadResult
 * @property {string} key           The object key.
 * @property {number} size          The stored size in bytes.
 * @property {string} [contentType] The stored content type.
 * @property {string} [etag]        The object's ETag.
 * @property {'PUT'|'POST'|'MULTIPART'} method  How the bytes were sent.
 */

const MiB = 1024 * 1024;

/**
 * The defaults this client shares with the .NET client (DirectUpload.Client's UploadOptions), written down once in
 * docs/client-defaults.md and checked against both clients by tests.
 */
export const DEFAULTS = Object.freeze({
  basePath: '/uploads',
  multipartThreshold: 100 * MiB,
  parallel: 4,
  retries: 4,
  retryBaseDelayMs: 500,
  maxRetryDelayMs: 30_000,
  stallTimeoutMs: 30_000,
});

/**
 * Every `.code` this client produces itself (the host's problem+json codes, e.g. `too_large`, pass through unchanged).
 * A refusal of S3 is `storage_error:{S3 code}` (e.g. `storage_error:BadDigest`), as in the .NET client.
 */
export const ERROR_CODES = Object.freeze({
  methodNotAllowed: 'method_not_allowed', // the host's code this client acts on: it then tries the other path
  storageErrorPrefix: 'storage_error:',
  storageStalled: 'storage_stalled',
  storageThrottled: 'storage_throttled',
  storageFull: 'storage_full',
  networkError: 'network_error',
  aborted: 'aborted',
  etagNotExposed: 'etag_not_exposed',
  invalidGrant: 'invalid_grant',
  unexpectedResponse: 'unexpected_response',
});

/** An upload that failed: a refusal of the host (problem+json), of S3, or a network error. */
export class DirectUploadError extends Error {
  /**
   * @param {string} message  For people: the server's `detail` when there is one.
   * @param {{code?: string, status?: number, problem?: object, cause?: unknown}} [info]
   */
  constructor(message, info = {}) {
    super(message, info.cause === undefined ? undefined : { cause: info.cause });
    this.name = 'DirectUploadError';
    /** Stable, machine-readable code, e.g. `too_large`. */
    this.code = info.code ?? ERROR_CODES.unexpectedResponse;
    /** HTTP status of the failed call (0 for a network error). */
    this.status = info.status ?? 0;
    /** The host's problem+json document, when it sent one. */
    this.problem = info.problem;
  }
}

/**
 * Uploads a file (or Blob) straight to S3 through the grants of a DirectUpload host.
 * @param {Blob & {name?: string}} file  The file, e.g. from `<input type=file>`.
 * @param {UploadOptions} options
 * @returns {Promise<UploadResult>}
 * @throws {DirectUploadError}
 */
export async function upload(file, options) {
  if (!file || typeof file.size !== 'number' || typeof file.slice !== 'function') {
    throw new TypeError('upload(file, options): file must be a File or Blob');
  }
  if (!options || !options.profile) {
    throw new TypeError('upload(file, options): options.profile is required');
  }
  const ctx = createContext(file, options);
  throwIfAborted(ctx.signal);

  if (file.size >= ctx.multipartThreshold) {
    try {
      return await uploadMultipart(ctx);
    } catch (e) {
      // a profile that does not do multipart: fall back to a single upload (which may then refuse the size)
      if (!(e instanceof DirectUploadError && e.code === 'method_not_allowed' && !ctx.multipartStarted)) throw e;
    }
    return uploadSingle(ctx, /* allowMultipartFallback */ false);
  }
  return uploadSingle(ctx, true);
}

// ------------------------------------------------------------------------------------------ context

function createContext(file, options) {
  const basePath = (options.basePath ?? '/uploads').replace(/\/+$/, '');
  const fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis);
  let resumeStorage = options.resumeStorage;
  if (resumeStorage === undefined) {
    try { resumeStorage = globalThis.localStorage ?? null; } catch { resumeStorage = null; }
  }
  const total = file.size;
  const ctx = {
    file,
    total,
    profile: options.profile,
    profileUrl: `${basePath}/${encodeURIComponent(options.profile)}`,
    fileName: options.fileName ?? file.name ?? 'blob',
    contentType: options.contentType || file.type || 'application/octet-stream',
    signal: options.signal,
    multipartThreshold: options.multipartThreshold ?? DEFAULTS.multipartThreshold,
    parallel: Math.max(1, Math.floor(options.parallel ?? DEFAULTS.parallel)),
    retries: Math.max(0, Math.floor(options.retries ?? DEFAULTS.retries)),
    stallTimeout: Math.max(0, Math.floor(options.stallTimeout ?? DEFAULTS.stallTimeoutMs)),
    partMd5: options.partMd5 ?? false,
    headers: options.headers ?? {},
    fetch: fetchFn,
    resumeStorage,
    multipartStarted: false,
    lastBytes: -1,
    onProgress: options.onProgress,
    confirm: options.confirm ?? true,
  };
  ctx.report = (bytes) => {
    if (!ctx.onProgress) return;
    bytes = Math.min(Math.max(0, bytes), total);
    const percent = total > 0 ? Math.floor((bytes * 100) / total) : 100;
    if (bytes === ctx.lastBytes) return;
    ctx.lastBytes = bytes;
    try { ctx.onProgress({ bytes, total, percent }); } catch (e) { setTimeout(() => { throw e; }); }
  };
  return ctx;
}

// ------------------------------------------------------------------------------------------ single PUT / POST

async function uploadSingle(ctx, allowMultipartFallback) {
  let grant;
  try {
    grant = await callHost(ctx, 'POST', ctx.profileUrl, {
      fileName: ctx.fileName, contentType: ctx.contentType, size: ctx.total,
    });
  } catch (e) {
    if (allowMultipartFallback && e instanceof DirectUploadError && e.code === 'method_not_allowed') {
      return uploadMultipart(ctx);
    }
    throw e;
  }

  const method = String(grant.method || '').toUpperCase();
  ctx.report(0);
  await withRetries(ctx, async () => {
    if (method === 'PUT') {
      await sendXhr(ctx, 'PUT', grant.url, grant.headers, ctx.file, (loaded) => ctx.report(loaded));
    } else if (method === 'POST') {
      const form = new FormData();
      for (const [name, value] of Object.entries(grant.fields ?? {})) form.append(name, value);
      form.append('file', ctx.file, ctx.fileName); // the file goes last: S3 ignores fields after it
      // the form is slightly larger than the file (fields, boundaries): scale the progress to the file
      await sendXhr(ctx, 'POST', grant.url, {}, form, (loaded, formTotal) =>
        ctx.report(formTotal ? Math.round((loaded / formTotal) * ctx.total) : loaded));
    } else {
      throw new DirectUploadError(`The host returned a grant with an unsupported method '${grant.method}'.`, { code: 'invalid_grant' });
    }
  }, { onRetry: () => ctx.report(0) });
  ctx.report(ctx.total);

  if (!ctx.confirm) {
    // the host learns of the upload from the store's event notification instead (MapDirectUploadEvents)
    return { key: grant.key, size: ctx.total, contentType: ctx.contentType, etag: undefined, method, confirmed: false };
  }
  const done = await callHost(ctx, 'POST', `${ctx.profileUrl}/complete`, { token: grant.token });
  return { key: done.key ?? grant.key, size: done.size ?? ctx.total, contentType: done.contentType, etag: done.etag, method, confirmed: true };
}

// ------------------------------------------------------------------------------------------ multipart

async function uploadMultipart(ctx) {
  const resumeKey = resumeKeyOf(ctx);
  let start = readResume(ctx, resumeKey);
  /** @type {Map<number, string>} part number → ETag of the parts S3 has */
  const done = new Map();
  if (start) {
    // resume: ask the host which parts S3 already has (GET …/multipart/parts?token=)
    try {
      const listed = await callHost(ctx, 'GET', `${ctx.profileUrl}/multipart/parts?token=${encodeURIComponent(start.token)}`);
      for (const part of listed.parts ?? []) {
        if (part.partNumber >= 1 && part.partNumber <= start.partCount && part.size === partSize(start, part.partNumber) && part.etag) {
          done.set(part.partNumber, part.etag);
        }
      }
    } catch (e) {
      if (isAbort(e)) throw e;
      if (e instanceof DirectUploadError && e.code === 'object_not_found') {
        // completed (its answer may have been lost) or aborted: the idempotent completion, with the parts' real
        // ETags, answers with the stored object when it is this file
        const completed = await completeGone(ctx, start).catch((err) => { if (isAbort(err)) throw err; return null; });
        if (completed) {
          forgetResume(ctx, resumeKey);
          return completed;
        }
      }
      start = null; // expired, completed with other bytes, or aborted meanwhile: start again
      done.clear();
      forgetResume(ctx, resumeKey);
    }
  }
  if (!start) {
    const started = await callHost(ctx, 'POST', `${ctx.profileUrl}/multipart`, {
      fileName: ctx.fileName, contentType: ctx.contentType, size: ctx.total,
    });
    start = { ...started, size: ctx.total };
    rememberResume(ctx, resumeKey, start);
  }
  ctx.multipartStarted = true;
  const { token } = start;

  // progress = bytes of finished parts + bytes sent by the attempts in flight
  let finishedBytes = 0;
  for (const n of done.keys()) finishedBytes += partSize(start, n);
  const inFlight = new Map(); // part number → bytes sent by its current attempt
  const report = () => { let n = finishedBytes; for (const v of inFlight.values()) n += v; ctx.report(n); };
  report();

  const todo = [];
  for (let n = 1; n <= start.partCount; n++) if (!done.has(n)) todo.push(n);

  // The workers share one signal: the caller's cancel, or the first part that fails for good, stops them all.
  const controller = new AbortController();
  const outer = ctx.signal;
  const stop = () => controller.abort(outer?.reason);
  if (outer?.aborted) stop(); else outer?.addEventListener('abort', stop, { once: true });
  const pctx = { ...ctx, signal: controller.signal };

  // Part URLs are signed just in time, in batches (POST …/multipart/parts), and again when about to expire.
  const batchSize = Math.min(100, Math.max(ctx.parallel * 4, 16));
  const signed = new Map(); // part number → {url, headers, expiresAt (ms)}
  const signing = new Map(); // part number → promise of the batch that signs it
  let nextToSign = 0; // index into todo of the next part nobody asked to sign yet
  const grantFor = async (n, md5) => {
    const cached = signed.get(n);
    if (cached && cached.expiresAt - Date.now() > 60_000) return cached;
    if (md5) {
      // a part with its MD5 is signed on its own, once its bytes have been hashed
      const res = await callHost(pctx, 'POST', `${ctx.profileUrl}/multipart/parts`, { token, partNumbers: [n], contentMd5: { [n]: md5 } });
      const p = (res.parts ?? []).find((x) => x.partNumber === n);
      if (!p) throw new DirectUploadError(`The server signed no URL for part ${n}.`, { code: 'invalid_grant' });
      const signedMd5 = Object.entries(p.headers ?? {}).find(([k]) => k.toLowerCase() === 'content-md5')?.[1];
      if (signedMd5 !== undefined && signedMd5 !== md5) {
        throw new DirectUploadError(`The server signed part ${n} with another Content-MD5 than its bytes have.`, { code: 'invalid_grant' });
      }
      const fresh = { url: p.url, headers: p.headers ?? {}, expiresAt: Date.parse(p.expiresAt) || Date.now() + 300_000 };
      signed.set(n, fresh);
      return fresh;
    }
    if (!signing.has(n)) {
      const batch = [n];
      while (batch.length < batchSize && nextToSign < todo.length) {
        const m = todo[nextToSign++];
        if (m !== n && !signed.has(m) && !signing.has(m)) batch.push(m);
      }
      const promise = callHost(pctx, 'POST', `${ctx.profileUrl}/multipart/parts`, { token, partNumbers: batch })
        .then((res) => {
          for (const p of res.parts ?? []) {
            signed.set(p.partNumber, { url: p.url, headers: p.headers ?? {}, expiresAt: Date.parse(p.expiresAt) || Date.now() + 300_000 });
          }
        })
        .finally(() => { for (const m of batch) signing.delete(m); });
      for (const m of batch) signing.set(m, promise);
    }
    await signing.get(n);
    const fresh = signed.get(n);
    if (!fresh) throw new DirectUploadError(`The server signed no URL for part ${n}.`, { code: 'invalid_grant' });
    return fresh;
  };

  let hashParts = ctx.partMd5;
  const sendPart = async (n) => {
    const hashed = hashParts;
    try {
      await sendPartOnce(n, hashed);
    } catch (e) {
      if (hashed || !(e instanceof DirectUploadError && e.code === 'content_md5_required')) throw e;
      hashParts = true; // the profile requires part MD5s: from now on every part carries its MD5
      await sendPartOnce(n, true);
    }
  };
  const sendPartOnce = async (n, hashed) => {
    const from = (n - 1) * start.partSize;
    const body = ctx.file.slice(from, from + partSize(start, n));
    let md5;
    if (hashed) {
      // hash the part, then send the Blob (the browser streams it again from the file, without a copy in script
      // memory); if the file changed in between, S3 refuses the part (BadDigest)
      md5 = base64(md5Digest(new Uint8Array(await readBlob(body, pctx.signal))));
    }
    const etag = await withRetries(pctx, async () => {
      const grant = await grantFor(n, md5);
      inFlight.set(n, 0);
      try {
        const xhr = await sendXhr(pctx, 'PUT', grant.url, grant.headers, body, (loaded) => { inFlight.set(n, loaded); report(); });
        const tag = xhr.getResponseHeader('ETag');
        if (!tag) {
          throw new DirectUploadError(
            'S3 stored the part but its ETag header cannot be read: the bucket\'s CORS rule must expose ETag (ExposeHeaders: ["ETag"]).',
            { code: 'etag_not_exposed', status: xhr.status });
        }
        return tag;
      } catch (e) {
        if (e instanceof DirectUploadError && e.status === 403) signed.delete(n); // maybe expired: sign again
        inFlight.delete(n); // a retry starts this part from zero
        report();
        throw e;
      }
    }, { retryForbidden: true });
    signed.delete(n);
    inFlight.delete(n);
    done.set(n, etag);
    finishedBytes += partSize(start, n);
    report();
  };

  // a pool of `parallel` workers taking the next part
  let next = 0;
  let failure = null;
  const worker = async () => {
    while (!controller.signal.aborted && next < todo.length) {
      const n = todo[next++];
      try {
        await sendPart(n);
      } catch (e) {
        failure ??= e;
        controller.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(ctx.parallel, todo.length) }, worker));
  } finally {
    outer?.removeEventListener('abort', stop);
  }

  if (outer?.aborted || failure) {
    if (!ctx.resumeStorage) {
      // nothing will resume it: free the stored parts now (a bucket lifecycle rule is the safety net)
      callHost({ ...ctx, signal: undefined }, 'DELETE', `${ctx.profileUrl}/multipart?token=${encodeURIComponent(token)}`).catch(() => {});
    }
    throw outer?.aborted ? abortError(outer) : failure;
  }

  ctx.report(ctx.total);
  const parts = [...done.entries()].sort((a, b) => a[0] - b[0]).map(([partNumber, etag]) => ({ partNumber, etag }));
  const result = await callHost(ctx, 'POST', `${ctx.profileUrl}/multipart/complete`, { token, parts });
  forgetResume(ctx, resumeKey);
  return { key: result.key ?? start.key, size: result.size ?? ctx.total, contentType: result.contentType, etag: result.etag, method: 'MULTIPART' };
}

/**
 * Completes an upload the host no longer lists (completed or aborted) with the ETags of this file's parts (their MD5s,
 * one read of the file). Resolves with the result when the stored object is this file, null when it is another one.
 */
async function completeGone(ctx, start) {
  const md5s = [];
  for (let n = 1; n <= start.partCount; n++) {
    const from = (n - 1) * start.partSize;
    md5s.push(md5Digest(new Uint8Array(await readBlob(ctx.file.slice(from, from + partSize(start, n)), ctx.signal))));
  }
  const parts = md5s.map((d, i) => ({ partNumber: i + 1, etag: `"${hex(d)}"` }));
  const result = await callHost(ctx, 'POST', `${ctx.profileUrl}/multipart/complete`, { token: start.token, parts });
  const all = new Uint8Array(16 * md5s.length);
  md5s.forEach((d, i) => all.set(d, 16 * i));
  const expected = `${hex(md5Digest(all))}-${start.partCount}`;
  const stored = String(result.etag ?? '').replace(/"/g, '');
  if (/^[0-9a-f]{32}-\d+$/i.test(stored) && stored.toLowerCase() !== expected) return null;
  return { key: result.key ?? start.key, size: result.size ?? ctx.total, contentType: result.contentType, etag: result.etag, method: 'MULTIPART' };
}

function readBlob(blob, signal) {
  throwIfAborted(signal);
  return blob.arrayBuffer();
}

function partSize(start, n) {
  return n < start.partCount ? start.partSize : start.size - (start.partCount - 1) * start.partSize;
}

// resume state: the multipart start of an unfinished upload of the same file to the same profile
function resumeKeyOf(ctx) {
  const f = ctx.file;
  return `directupload:${ctx.profileUrl}:${ctx.fileName}:${ctx.total}:${f.lastModified ?? ''}:${ctx.contentType}`;
}

function readResume(ctx, key) {
  if (!ctx.resumeStorage) return null;
  try {
    const s = JSON.parse(ctx.resumeStorage.getItem(key) ?? 'null');
    if (s && s.token && s.partSize > 0 && s.partCount > 0 && s.size === ctx.total && Date.parse(s.expiresAt) > Date.now() + 60_000) return s;
  } catch { /* unreadable: ignore */ }
  return null;
}

function rememberResume(ctx, key, start) {
  if (!ctx.resumeStorage) return;
  try {
    ctx.resumeStorage.setItem(key, JSON.stringify({
      token: start.token, key: start.key, uploadId: start.uploadId, partSize: start.partSize,
      partCount: start.partCount, expiresAt: start.expiresAt, size: ctx.total,
    }));
  } catch { /* storage full or denied: no resume */ }
}

function forgetResume(ctx, key) {
  try { ctx.resumeStorage?.removeItem(key); } catch { /* ignore */ }
}

// ------------------------------------------------------------------------------------------ HTTP

/** Calls the host's JSON API; a problem+json answer becomes a DirectUploadError. */
async function callHost(ctx, method, url, body) {
  const init = {
    method,
    credentials: 'same-origin',
    headers: { Accept: 'application/json, application/problem+json', ...ctx.headers },
    signal: ctx.signal,
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await ctx.fetch(url, init);
  } catch (e) {
    if (isAbort(e) || ctx.signal?.aborted) throw abortError(ctx.signal, e);
    throw new DirectUploadError(`Could not reach the server (${e && e.message ? e.message : e}).`, { code: 'network_error', cause: e });
  }
  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { /* not JSON */ }
  }
  if (!response.ok) {
    const problem = json && typeof json === 'object' ? json : undefined;
    const detail = problem?.detail || problem?.title || `The server answered ${response.status} ${response.statusText}`.trim();
    throw new DirectUploadError(detail, { code: problem?.code ?? ERROR_CODES.unexpectedResponse, status: response.status, problem });
  }
  return json ?? {};
}

/**
 * Sends a request to S3 with XMLHttpRequest (fetch cannot report upload progress).
 * Resolves with the XHR on 2xx; rejects with a DirectUploadError otherwise.
 */
function sendXhr(ctx, method, url, headers, body, onUploadProgress) {
  return new Promise((resolve, reject) => {
    const signal = ctx.signal;
    if (signal?.aborted) { reject(abortError(signal)); return; }
    const xhr = new XMLHttpRequest();
    xhr.open(method, url, true);
    for (const [name, value] of Object.entries(headers ?? {})) {
      const lower = name.toLowerCase();
      if (lower === 'content-length' || lower === 'host') continue; // the browser sets these
      xhr.setRequestHeader(name, value);
    }
    // stall timeout: no progress (no byte taken, no answer) for ctx.stallTimeout ms aborts the request
    let stalled = false;
    let stallTimer = null;
    const touch = () => {
      if (!ctx.stallTimeout) return;
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => { stalled = true; xhr.abort(); }, ctx.stallTimeout);
    };
    const onAbort = () => xhr.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = () => { clearTimeout(stallTimer); signal?.removeEventListener('abort', onAbort); };
    xhr.upload.onprogress = (e) => {
      touch();
      onUploadProgress?.(e.loaded, e.lengthComputable ? e.total : 0);
    };
    xhr.upload.onloadend = touch; // the body is sent: the answer must come within the timeout too
    xhr.onreadystatechange = touch;
    xhr.onload = () => {
      cleanup();
      if (xhr.status >= 200 && xhr.status < 300) { resolve(xhr); return; }
      const s3 = parseS3Error(xhr.responseText);
      const what = s3.code ? `${s3.code}${s3.message ? `: ${s3.message}` : ''}` : `HTTP ${xhr.status}`;
      reject(new DirectUploadError(`The storage refused the upload (${what}).`, {
        code: storageErrorCode(xhr.status, s3.code), status: xhr.status,
        problem: s3.code ? { storageCode: s3.code, storageMessage: s3.message } : undefined,
      }));
    };
    xhr.onerror = () => { cleanup(); reject(new DirectUploadError('The upload to the storage failed (network error, or the bucket\'s CORS rule does not allow this page).', { code: 'network_error', status: 0 })); };
    xhr.ontimeout = () => { cleanup(); reject(new DirectUploadError('The upload to the storage timed out.', { code: 'network_error', status: 0 })); };
    xhr.onabort = () => {
      cleanup();
      if (stalled && !signal?.aborted) {
        reject(new DirectUploadError(`The storage stopped answering: no progress for ${ctx.stallTimeout / 1000} s (stallTimeout).`, { code: 'storage_stalled', status: 0 }));
      } else {
        reject(abortError(signal));
      }
    };
    touch();
    xhr.send(body);
  });
}

/**
 * This client's code for a refusal of S3: throttling (503 SlowDown from AWS and RGW's rate limits, any 503, 429) and
 * lack of space (QuotaExceeded, 507) get codes of their own; the rest is `storage_error:{S3 code}` (or
 * `storage_error:HTTP{status}` without one), as in the .NET client.
 */
export function storageErrorCode(status, s3Code) {
  if (['SlowDown', 'ServiceUnavailable', 'TooManyRequests', 'RequestLimitExceeded'].includes(s3Code)) return 'storage_throttled';
  if (['QuotaExceeded', 'InsufficientCapacity', 'InsufficientStorage'].includes(s3Code)) return 'storage_full';
  if (status === 503 || status === 429) return 'storage_throttled';
  if (status === 507) return 'storage_full';
  return ERROR_CODES.storageErrorPrefix + (s3Code || `HTTP${status}`);
}

function parseS3Error(text) {
  if (!text) return {};
  const pick = (tag) => {
    const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(text);
    return m ? m[1] : undefined;
  };
  return { code: pick('Code'), message: pick('Message') };
}

// ------------------------------------------------------------------------------------------ retries, cancellation

function isRetryable(e) {
  if (!(e instanceof DirectUploadError)) return false;
  if (e.code === 'aborted' || e.code === 'etag_not_exposed' || e.code === 'storage_full' || e.code === 'invalid_grant') return false;
  const s = e.status;
  return s === 0 || s === 403 || s === 408 || s === 429 || s >= 500;
}

/** The delay before retry `n` (0-based): exponential from DEFAULTS.retryBaseDelayMs, capped, with jitter (50–100 %). */
export function retryDelay(n, random = Math.random) {
  return Math.min(DEFAULTS.retryBaseDelayMs * 2 ** n, DEFAULTS.maxRetryDelayMs) * (0.5 + random() / 2);
}

/**
 * Runs `attempt(n)` up to 1 + ctx.retries times, with exponential backoff and jitter between attempts.
 * A 403 from S3 is final, except for multipart parts (`retryForbidden`), whose URL is then signed again.
 */
async function withRetries(ctx, attempt, { retryForbidden = false, onRetry } = {}) {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      const retryable = isRetryable(e) && (e.status !== 403 || retryForbidden) && !ctx.signal?.aborted;
      if (!retryable || n >= ctx.retries) throw e;
      onRetry?.();
      await sleep(retryDelay(n), ctx.signal);
    }
  }
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(abortError(signal)); return; }
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = () => { clearTimeout(timer); reject(abortError(signal)); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function isAbort(e) {
  return (e instanceof DirectUploadError && e.code === 'aborted') || (e && e.name === 'AbortError');
}

function abortError(signal, cause) {
  return new DirectUploadError('The upload was cancelled.', { code: 'aborted', cause: cause ?? signal?.reason });
}

function throwIfAborted(signal) {
  if (signal?.aborted) throw abortError(signal);
}

// ------------------------------------------------------------------------------------------ MD5 (RFC 1321)
// A small MD5 for Content-MD5 (S3's integrity check; not a security primitive). Written for this module, MIT licence;
// checked against RFC 1321's test suite and node:crypto on random data (tests/DirectUpload.BrowserTests).

const MD5_K = new Int32Array(64).map((_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 4294967296) | 0);
const MD5_S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

function md5Block(st, x, o) {
  let a = st[0]; let b = st[1]; let c = st[2]; let d = st[3];
  let t;
  for (let i = 0; i < 16; i++) {
    t = (a + ((b & c) | (~b & d)) + MD5_K[i] + x[o + i]) | 0;
    a = d; d = c; c = b; b = (b + ((t << MD5_S[i & 3]) | (t >>> (32 - MD5_S[i & 3])))) | 0;
  }
  for (let i = 16; i < 32; i++) {
    t = (a + ((d & b) | (~d & c)) + MD5_K[i] + x[o + ((5 * i + 1) & 15)]) | 0;
    a = d; d = c; c = b; b = (b + ((t << MD5_S[4 + (i & 3)]) | (t >>> (32 - MD5_S[4 + (i & 3)])))) | 0;
  }
  for (let i = 32; i < 48; i++) {
    t = (a + (b ^ c ^ d) + MD5_K[i] + x[o + ((3 * i + 5) & 15)]) | 0;
    a = d; d = c; c = b; b = (b + ((t << MD5_S[8 + (i & 3)]) | (t >>> (32 - MD5_S[8 + (i & 3)])))) | 0;
  }
  for (let i = 48; i < 64; i++) {
    t = (a + (c ^ (b | ~d)) + MD5_K[i] + x[o + ((7 * i) & 15)]) | 0;
    a = d; d = c; c = b; b = (b + ((t << MD5_S[12 + (i & 3)]) | (t >>> (32 - MD5_S[12 + (i & 3)])))) | 0;
  }
  st[0] = (st[0] + a) | 0; st[1] = (st[1] + b) | 0; st[2] = (st[2] + c) | 0; st[3] = (st[3] + d) | 0;
}

/**
 * The MD5 digest (16 bytes) of some bytes.
 * @param {Uint8Array} bytes
 * @returns {Uint8Array}
 */
export function md5Digest(bytes) {
  const st = new Int32Array([0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476]);
  const whole = bytes.length - (bytes.length % 64);
  // the blocks as little-endian 32-bit words (every browser is little-endian); copied when not 4-byte aligned
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice(0, whole);
  const words = new Int32Array(aligned.buffer, aligned.byteOffset, whole / 4);
  for (let o = 0; o < words.length; o += 16) md5Block(st, words, o);
  // the tail, 0x80, zeros, and the length in bits (64-bit little-endian)
  const rest = bytes.length - whole;
  const tail = new Uint8Array(rest < 56 ? 64 : 128);
  tail.set(bytes.subarray(whole));
  tail[rest] = 0x80;
  const view = new DataView(tail.buffer);
  view.setUint32(tail.length - 8, (bytes.length * 8) >>> 0, true);
  view.setUint32(tail.length - 4, Math.floor(bytes.length / 0x20000000), true);
  const tailWords = new Int32Array(tail.buffer);
  for (let o = 0; o < tailWords.length; o += 16) md5Block(st, tailWords, o);
  return new Uint8Array(st.buffer.slice(0));
}

function hex(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function base64(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}
