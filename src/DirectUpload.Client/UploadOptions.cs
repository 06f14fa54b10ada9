namespace DirectUpload.Client;

/// <summary>Options of one upload.</summary>
public class UploadOptions
{
    /// <summary>Gets or sets the size from which the upload uses multipart (parallel parts, retries, resume).</summary>
    /// <value>The threshold in bytes. The default value is 104857600 (100 MiB).</value>
    public long MultipartThresholdBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Gets or sets how many parts are sent at the same time.</summary>
    /// <value>The number of parts, from 1 to 64. The default value is 4.</value>
    /// <remarks>A non-seekable stream buffers up to this many parts in memory.</remarks>
    public int MaxParallelParts { get; set; } = 4;

    /// <summary>
    /// Gets or sets how many part URLs are signed per call to the host. Parts are signed just in time, one batch when
    /// the previous one has been handed out, so few URLs wait (and age) before use.
    /// </summary>
    /// <value>The batch size, from 1 to 1000. The default value is 8.</value>
    public int PartSigningBatchSize { get; set; } = 8;

    /// <summary>
    /// Gets or sets how many times a failed request is retried: network errors, timeouts and 408, 429 and 5xx answers.
    /// A part refused with 403 is also signed again once, as its URL may have expired.
    /// </summary>
    /// <value>The number of retries. The default value is 4.</value>
    /// <remarks>A single-request upload from a non-seekable stream cannot be retried.</remarks>
    public int MaxRetries { get; set; } = 4;

    /// <summary>Gets or sets the delay before the first retry; each later one doubles it, with jitter.</summary>
    /// <value>The delay. The default value is 500 milliseconds.</value>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets or sets the longest delay between two attempts.</summary>
    /// <value>The delay. The default value is 30 seconds.</value>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long a request to the store may go without progress (no byte of its body taken, or no answer after
    /// the last one) before it is aborted and retried like a network error. When the retries are spent, the upload fails
    /// with <see cref="DirectUploadErrorCodes.StorageStalled"/>; a multipart upload stays resumable.
    /// </summary>
    /// <value>
    /// The timeout, or <see cref="Timeout.InfiniteTimeSpan"/> to wait forever. The default value is 30 seconds.
    /// </value>
    /// <remarks>
    /// A store that hangs instead of refusing (e.g. Ceph RGW with a full disk) would otherwise stop an upload for good.
    /// Set it above the longest time the store may take to answer a part after its last byte.
    /// </remarks>
    public TimeSpan StallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets a value indicating whether each part of a multipart upload carries its MD5: the client computes it,
    /// the host signs it into the part's URL (<c>Content-MD5</c>), and the store refuses a part whose bytes differ
    /// (<c>storage_error:BadDigest</c>). Each part is then signed on its own, when its MD5 is known, and read twice (once
    /// to hash it, once to send it).
    /// </summary>
    /// <value><see langword="true"/> to send part MD5s. The default value is <see langword="false"/>.</value>
    /// <remarks>
    /// Off by default because hashing costs throughput (measured on a shared 2-core machine: 53 % more time for 5 GiB, see
    /// bench/README.md). When the profile requires a Content-MD5 (the host answers <c>content_md5_required</c>), the
    /// client turns it on for that upload by itself.
    /// </remarks>
    public bool ComputePartMd5 { get; set; }

    /// <summary>Gets or sets the receiver of progress reports, or <see langword="null"/> for none.</summary>
    /// <value>The receiver. The default value is <see langword="null"/>.</value>
    /// <remarks>
    /// Reports are made in increasing order of <see cref="UploadProgress.BytesSent"/>, from the threads that send.
    /// <see cref="Progress{T}"/> posts each report to the synchronization context it was created on, or to the thread pool
    /// when there is none, where reports may run out of order.
    /// </remarks>
    public IProgress<UploadProgress>? Progress { get; set; }

    /// <summary>
    /// Gets or sets a callback called once a multipart upload has started, before any part is sent: persist the session
    /// to resume the upload after a crash or a cancellation.
    /// </summary>
    /// <value>The callback. The default value is <see langword="null"/>.</value>
    public Func<MultipartSession, ValueTask>? OnMultipartStarted { get; set; }

    /// <summary>Gets or sets the length of the content in bytes. Required for a non-seekable stream; checked for a seekable one.</summary>
    /// <value>The length. The default value is <see langword="null"/> (the stream's remaining length).</value>
    public long? ContentLength { get; set; }

    /// <summary>Gets or sets the base64 MD5 of the content, sent with a single-request upload and bound into its grant.</summary>
    /// <value>The MD5. The default value is <see langword="null"/>.</value>
    public string? ContentMd5 { get; set; }

    /// <summary>
    /// Gets or sets a value indicating whether the client computes the content's MD5 for a single-request upload
    /// (when <see cref="ContentMd5"/> is not set). This reads the content twice, so it needs a file or a seekable stream.
    /// </summary>
    /// <value><see langword="true"/> to compute it. The default value is <see langword="false"/>.</value>
    public bool ComputeContentMd5 { get; set; }

    /// <summary>Gets the metadata to store with the object; the profile decides which keys it accepts.</summary>
    /// <value>The metadata. The default value is empty.</value>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
