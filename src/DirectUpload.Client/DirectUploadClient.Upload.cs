using System.Security.Cryptography;
using System.Text.RegularExpressions;
using DirectUpload.Client.Internal;

namespace DirectUpload.Client;

/// <content>The high-level uploads: grant or multipart, send, confirm; and resume.</content>
public sealed partial class DirectUploadClient
{
    /// <summary>The host's code for an upload (or object) that does not exist.</summary>
    private const string ObjectNotFound = "object_not_found";

    /// <summary>
    /// Uploads a stream, from its current position to its end: below <see cref="UploadOptions.MultipartThresholdBytes"/> with
    /// one grant (PUT or POST) and a confirmation, above it as a multipart upload. When the profile allows only the other
    /// path (the host answers <c>method_not_allowed</c>), that one is used.
    /// </summary>
    /// <param name="profile">The host's upload profile.</param>
    /// <param name="content">
    /// The bytes. A seekable stream is read in parallel ranges (one at a time, serialized); a non-seekable one needs
    /// <see cref="UploadOptions.ContentLength"/> and buffers up to <see cref="UploadOptions.MaxParallelParts"/> parts.
    /// The stream is not disposed.
    /// </param>
    /// <param name="fileName">The original file name (the host never uses it as a path).</param>
    /// <param name="contentType">The media type, e.g. <c>image/png</c>.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">
    /// A token to cancel the upload. A cancelled multipart upload is not aborted: resume it with
    /// <see cref="ResumeMultipartAsync(string, MultipartSession, Stream, UploadOptions?, CancellationToken)"/> (the session comes
    /// from <see cref="UploadOptions.OnMultipartStarted"/>) or give it up with <see cref="AbortMultipartAsync"/>.
    /// </param>
    /// <returns>The stored object, as the host confirmed it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="content"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="profile"/>, <paramref name="fileName"/> or <paramref name="contentType"/> is <see langword="null"/>, empty or
    /// white space; the stream cannot be read, or its length is unknown or differs from <see cref="UploadOptions.ContentLength"/>.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    /// <exception cref="DirectUploadClientException">The host or the store refused (see <see cref="DirectUploadClientException.Code"/>).</exception>
    /// <exception cref="HttpRequestException">The host or the store could not be reached, after the retries.</exception>
    /// <exception cref="EndOfStreamException">The stream ended before its declared length.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<UploadResult> UploadAsync(
        string profile, Stream content, string fileName, string contentType, UploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(profile);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        options = Validate(options);
        using var source = UploadSource.FromStream(content, options.ContentLength, nameof(content));
        return await UploadCoreAsync(profile, source, fileName, contentType, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Uploads a file, reading its parts in parallel: below <see cref="UploadOptions.MultipartThresholdBytes"/> with one grant
    /// and a confirmation, above it as a multipart upload (or the other path when the profile allows only that one).
    /// </summary>
    /// <param name="profile">The host's upload profile.</param>
    /// <param name="filePath">The path of the file; its name is sent as the file name.</param>
    /// <param name="contentType">The media type, e.g. <c>video/mp4</c>.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults (<see cref="UploadOptions.ContentLength"/> is not used).</param>
    /// <param name="cancellationToken">A token to cancel the upload; a cancelled multipart upload is not aborted, so it can be resumed.</param>
    /// <returns>The stored object, as the host confirmed it.</returns>
    /// <exception cref="ArgumentException"><paramref name="profile"/>, <paramref name="filePath"/> or <paramref name="contentType"/> is <see langword="null"/>, empty or white space.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    /// <exception cref="IOException">The file cannot be opened or read (e.g. <see cref="FileNotFoundException"/>).</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="DirectUploadClientException">The host or the store refused (see <see cref="DirectUploadClientException.Code"/>).</exception>
    /// <exception cref="HttpRequestException">The host or the store could not be reached, after the retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<UploadResult> UploadAsync(
        string profile, string filePath, string contentType, UploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(profile);
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(contentType);
        options = Validate(options);
        using var source = UploadSource.FromFile(filePath);
        return await UploadCoreAsync(profile, source, Path.GetFileName(filePath), contentType, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Resumes a multipart upload: lists the parts the store already has, sends only the missing ones (or ones of the wrong
    /// size), and completes.
    /// </summary>
    /// <param name="profile">The host's upload profile.</param>
    /// <param name="session">The session from <see cref="UploadOptions.OnMultipartStarted"/> or <see cref="StartMultipartAsync"/>.</param>
    /// <param name="content">The same bytes as the first attempt, from the stream's current position. The stream is not disposed.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults (the threshold, MD5 and metadata are not used).</param>
    /// <param name="cancellationToken">A token to cancel the upload; the upload stays resumable.</param>
    /// <returns>The stored object, as the host confirmed it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> or <paramref name="content"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="profile"/> is <see langword="null"/>, empty or white space; the content's length does not fit the session's
    /// parts, or it cannot be read.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    /// <exception cref="DirectUploadClientException">The host or the store refused (e.g. <c>expired</c> once the session's token expired).</exception>
    /// <exception cref="HttpRequestException">The host or the store could not be reached, after the retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<UploadResult> ResumeMultipartAsync(
        string profile, MultipartSession session, Stream content, UploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(profile);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(content);
        options = Validate(options);
        using var source = UploadSource.FromStream(content, options.ContentLength ?? (content.CanSeek || session.Size == 0 ? null : session.Size), nameof(content));
        return await ResumeCoreAsync(profile, session, source, options, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resumes a multipart upload of a file: sends only the parts the store does not have yet, and completes.</summary>
    /// <param name="profile">The host's upload profile.</param>
    /// <param name="session">The session from <see cref="UploadOptions.OnMultipartStarted"/> or <see cref="StartMultipartAsync"/>.</param>
    /// <param name="filePath">The path of the same file as the first attempt.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults (the threshold, MD5 and metadata are not used).</param>
    /// <param name="cancellationToken">A token to cancel the upload; the upload stays resumable.</param>
    /// <returns>The stored object, as the host confirmed it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="profile"/> or <paramref name="filePath"/> is <see langword="null"/>, empty or white space, or the file's length
    /// does not fit the session's parts.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of its range.</exception>
    /// <exception cref="IOException">The file cannot be opened or read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="DirectUploadClientException">The host or the store refused (e.g. <c>expired</c> once the session's token expired).</exception>
    /// <exception cref="HttpRequestException">The host or the store could not be reached, after the retries.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<UploadResult> ResumeMultipartAsync(
        string profile, MultipartSession session, string filePath, UploadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(profile);
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrWhiteSpace(filePath);
        options = Validate(options);
        using var source = UploadSource.FromFile(filePath);
        return await ResumeCoreAsync(profile, session, source, options, cancellationToken).ConfigureAwait(false);
    }

    private static UploadOptions Validate(UploadOptions? options)
    {
        options ??= new UploadOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.MultipartThresholdBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxParallelParts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxParallelParts, 64);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PartSigningBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.PartSigningBatchSize, 1000);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRetries);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.RetryBaseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxRetryDelay, TimeSpan.Zero);
        if (options.StallTimeout != Timeout.InfiniteTimeSpan)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.StallTimeout, TimeSpan.Zero, "options.StallTimeout");
        }

        return options;
    }

    private RetryPolicy RetryPolicyFor(UploadOptions options) =>
        new(options.MaxRetries, options.RetryBaseDelay, options.MaxRetryDelay, _timeProvider);

    private async Task<UploadResult> UploadCoreAsync(
        string profile, UploadSource source, string fileName, string contentType, UploadOptions options, CancellationToken cancellationToken)
    {
        var request = new UploadRequest
        {
            FileName = fileName,
            ContentType = contentType,
            Size = source.Length,
            Metadata = options.Metadata.Count > 0 ? new Dictionary<string, string>(options.Metadata, StringComparer.Ordinal) : null,
        };

        if (source.Length < options.MultipartThresholdBytes)
        {
            var single = await WithContentMd5Async(request, source, options, cancellationToken).ConfigureAwait(false);
            UploadGrant grant;
            try
            {
                grant = await RequestGrantAsync(profile, single, cancellationToken).ConfigureAwait(false);
            }
            catch (DirectUploadClientException ex) when (ex.Code == DirectUploadErrorCodes.MethodNotAllowed)
            {
                // The profile takes only multipart uploads.
                var started = await StartAndNotifyAsync(profile, request, options, cancellationToken).ConfigureAwait(false);
                return await RunMultipartAsync(profile, started, LayoutOf(started, source), source, options, [], contentType, cancellationToken).ConfigureAwait(false);
            }

            return await UploadSingleAsync(profile, grant, source, fileName, options, cancellationToken).ConfigureAwait(false);
        }

        MultipartSession session;
        try
        {
            session = await StartAndNotifyAsync(profile, request, options, cancellationToken).ConfigureAwait(false);
        }
        catch (DirectUploadClientException ex) when (ex.Code == DirectUploadErrorCodes.MethodNotAllowed)
        {
            // The profile takes only single-request uploads.
            var single = await WithContentMd5Async(request, source, options, cancellationToken).ConfigureAwait(false);
            var grant = await RequestGrantAsync(profile, single, cancellationToken).ConfigureAwait(false);
            return await UploadSingleAsync(profile, grant, source, fileName, options, cancellationToken).ConfigureAwait(false);
        }

        return await RunMultipartAsync(profile, session, LayoutOf(session, source), source, options, [], contentType, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The layout of a session just started for the content: one that does not fit is the host's error.</summary>
    private static MultipartLayout LayoutOf(MultipartSession session, UploadSource source) =>
        MultipartLayout.TryCreate(session, source.Length, out var layout, out var problem) ? layout : throw Unexpected(problem!);

    private async Task<MultipartSession> StartAndNotifyAsync(string profile, UploadRequest request, UploadOptions options, CancellationToken cancellationToken)
    {
        var session = await StartMultipartAsync(profile, request, cancellationToken).ConfigureAwait(false);
        if (options.OnMultipartStarted is { } onStarted)
        {
            await onStarted(session).ConfigureAwait(false);
        }

        return session;
    }

    private static async Task<UploadRequest> WithContentMd5Async(UploadRequest request, UploadSource source, UploadOptions options, CancellationToken cancellationToken)
    {
        if (options.ContentMd5 is { } md5)
        {
            return request with { Md5 = md5 };
        }

        if (!options.ComputeContentMd5)
        {
            return request;
        }

        return source.CanReread
            ? request with { Md5 = await source.ComputeMd5Async(cancellationToken).ConfigureAwait(false) }
            : throw new ArgumentException("UploadOptions.ComputeContentMd5 needs a file or a seekable stream; pass UploadOptions.ContentMd5 instead.", nameof(options));
    }

    private async Task<UploadResult> UploadSingleAsync(
        string profile, UploadGrant grant, UploadSource source, string fileName, UploadOptions options, CancellationToken cancellationToken)
    {
        var tracker = new ProgressTracker(options.Progress, source.Length, 1);
        var retry = RetryPolicyFor(options);
        using var body = new PartBody(source, 0, source.Length);
        var send = body.CanReread ? retry : retry.WithMaxRetries(0);
        await send.ExecuteAsync(
            async ct =>
            {
                await SendGrantAsync(grant, body, fileName, tracker, options.StallTimeout, ct).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
        tracker.Flush();
        return await retry.ExecuteAsync(ct => ConfirmAsync(profile, grant.Token, ct), cancellationToken).ConfigureAwait(false);
    }

    private async Task<UploadResult> ResumeCoreAsync(
        string profile, MultipartSession session, UploadSource source, UploadOptions options, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(session.Token, "session.Token");
        if (!MultipartLayout.TryCreate(session, source.Length, out var layout, out var problem))
        {
            throw new ArgumentException(problem, nameof(session));
        }

        var retry = RetryPolicyFor(options);
        IReadOnlyList<UploadedPart> listed;
        try
        {
            listed = await retry.ExecuteAsync(ct => ListPartsAsync(profile, session.Token, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (DirectUploadClientException ex) when (ex.Code == ObjectNotFound)
        {
            // The upload is gone: completed (the answer to the completion may have been lost) or aborted. The host's
            // completion is idempotent, so complete again with the parts' real ETags: it answers with the stored object, or
            // object_not_found after an abort.
            return await CompleteGoneAsync(profile, session, layout, source, retry, cancellationToken).ConfigureAwait(false);
        }

        return await RunMultipartAsync(profile, session, layout, source, options, listed, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Completes an upload whose parts are no longer listed, with ETags computed from the content (one read of it), and
    /// checks the stored object's multipart ETag (MD5 of the part MD5s, then <c>-</c> and the part count) against them.
    /// </summary>
    private async Task<UploadResult> CompleteGoneAsync(
        string profile, MultipartSession session, MultipartLayout layout, UploadSource source, RetryPolicy retry, CancellationToken cancellationToken)
    {
        var digests = new byte[layout.PartCount][];
        for (var n = 1; n <= layout.PartCount; n++)
        {
            using var body = await source.GetPartAsync(layout.OffsetOf(n), layout.SizeOf(n), cancellationToken).ConfigureAwait(false);
            digests[n - 1] = Convert.FromBase64String(await body.ComputeMd5Async(cancellationToken).ConfigureAwait(false));
        }

        var parts = digests.Select((d, i) => new PartETag { PartNumber = i + 1, ETag = $"\"{Convert.ToHexStringLower(d)}\"" }).ToArray();
        var result = await retry.ExecuteAsync(ct => CompleteMultipartAsync(profile, session.Token, parts, ct), cancellationToken).ConfigureAwait(false);
#pragma warning disable CA5351 // S3's multipart ETag is defined with MD5; it is compared, not trusted for security.
        var expected = $"{Convert.ToHexStringLower(MD5.HashData(digests.SelectMany(d => d).ToArray()))}-{layout.PartCount}";
#pragma warning restore CA5351
        var stored = (result.ETag ?? string.Empty).Trim().Trim('"');
        if (MultipartETag().IsMatch(stored) && !string.Equals(stored, expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new DirectUploadClientException(
                DirectUploadErrorCodes.ContentMismatch,
                null,
                "The stored object is not this content.",
                $"The upload was already completed, but the stored object's ETag is {stored}; this content's parts make {expected}.");
        }

        return result;
    }

    [GeneratedRegex("^[0-9a-fA-F]{32}-[0-9]{1,5}$", RegexOptions.CultureInvariant)]
    private static partial Regex MultipartETag();

    private async Task<UploadResult> RunMultipartAsync(
        string profile,
        MultipartSession session,
        MultipartLayout layout,
        UploadSource source,
        UploadOptions options,
        IReadOnlyList<UploadedPart> stored,
        string? contentType,
        CancellationToken cancellationToken)
    {
        var retry = RetryPolicyFor(options);
        var upload = new MultipartUpload(this, profile, session.Token, layout, source, options, retry);
        var parts = await upload.SendPartsAsync(stored, cancellationToken).ConfigureAwait(false);

        // The host's completion is idempotent (a repeated call checks the completed object), so it is retried too.
        var result = await retry.ExecuteAsync(ct => CompleteMultipartAsync(profile, session.Token, parts, ct), cancellationToken).ConfigureAwait(false);
        return result.ContentType is null && contentType is not null ? result with { ContentType = contentType } : result;
    }
}
