// Type declarations of directupload.js (the browser client of DirectUpload). MIT licence.

/** Progress of an upload. */
export interface UploadProgress {
  /** Bytes sent so far (parts that failed and are retried count from zero again). */
  bytes: number;
  /** The file's size in bytes. */
  total: number;
  /** 0–100, an integer; 100 once every byte has been sent. */
  percent: number;
}

/** Options of {@link upload}. */
export interface UploadOptions {
  /** The upload profile configured on the host (e.g. `photos`). */
  profile: string;
  /** Where the host mapped the DirectUpload endpoints. Default `/uploads`. */
  basePath?: string;
  /** Called as bytes are sent. */
  onProgress?: (progress: UploadProgress) => void;
  /** Cancels the upload (the promise rejects with code `aborted`). */
  signal?: AbortSignal;
  /** Files of this size or more go multipart. Default 104857600 (100 MiB). */
  multipartThreshold?: number;
  /** Parts sent at the same time (multipart). Default 4. */
  parallel?: number;
  /** Retries per S3 request (network errors, stalls, 5xx, 408, 429) with exponential backoff. Default 4. */
  retries?: number;
  /** Milliseconds an S3 request may go without progress before it is aborted and retried; 0 waits forever. Default 30000. */
  stallTimeout?: number;
  /** Send each multipart part with its MD5 (Content-MD5, signed into its URL); on by itself when the profile requires Content-MD5. Default false. */
  partMd5?: boolean;
  /** The fetch used to call the host (not S3), e.g. one that adds auth. */
  fetch?: typeof fetch;
  /** Extra headers for the calls to the host (e.g. an anti-forgery token). */
  headers?: Record<string, string>;
  /** Overrides `file.name`. */
  fileName?: string;
  /** Overrides `file.type` (default `application/octet-stream` when the browser knows none). */
  contentType?: string;
  /** Where unfinished multipart uploads are remembered so that uploading the same file again resumes them; default `localStorage`, `null` to disable. */
  resumeStorage?: Storage | null;
}

/** What was stored, as confirmed by the host against S3. */
export interface UploadResult {
  key: string;
  size: number;
  contentType?: string;
  etag?: string;
  method: 'PUT' | 'POST' | 'MULTIPART';
}

/** The defaults shared with the .NET client (docs/client-defaults.md in the repository). */
export declare const DEFAULTS: Readonly<{
  basePath: '/uploads';
  multipartThreshold: number;
  parallel: number;
  retries: number;
  retryBaseDelayMs: number;
  maxRetryDelayMs: number;
  stallTimeoutMs: number;
}>;

/** The codes this client produces itself; the host's problem+json codes (e.g. `too_large`) pass through unchanged. */
export declare const ERROR_CODES: Readonly<{
  methodNotAllowed: 'method_not_allowed';
  storageErrorPrefix: 'storage_error:';
  storageStalled: 'storage_stalled';
  storageThrottled: 'storage_throttled';
  storageFull: 'storage_full';
  networkError: 'network_error';
  aborted: 'aborted';
  etagNotExposed: 'etag_not_exposed';
  invalidGrant: 'invalid_grant';
  unexpectedResponse: 'unexpected_response';
}>;

/** An upload that failed: a refusal of the host (problem+json), of S3, or a network error. */
export declare class DirectUploadError extends Error {
  constructor(message: string, info?: { code?: string; status?: number; problem?: object; cause?: unknown });
  readonly name: 'DirectUploadError';
  /** Stable, machine-readable code: the host's `code` (e.g. `too_large`) or one of {@link ERROR_CODES} (`storage_error:{S3 code}` for S3's refusals). */
  code: string;
  /** HTTP status of the failed call (0 for a network error). */
  status: number;
  /** The host's problem+json document, or `{storageCode, storageMessage}` for S3's refusals. */
  problem?: object;
}

/** Uploads a file (or Blob) straight to S3 through the grants of a DirectUpload host. */
export declare function upload(file: Blob & { name?: string }, options: UploadOptions): Promise<UploadResult>;

/** This client's code for a refusal of S3 (`storage_throttled`, `storage_full`, or `storage_error:{S3 code}`). */
export declare function storageErrorCode(status: number, s3Code?: string): string;

/** The delay in ms before retry `n` (0-based): exponential, capped at `DEFAULTS.maxRetryDelayMs`, with 50–100 % jitter. */
export declare function retryDelay(n: number, random?: () => number): number;

/** The MD5 digest (16 bytes) of some bytes. */
export declare function md5Digest(bytes: Uint8Array): Uint8Array;
