using System.Runtime.ExceptionServices;
using DirectUpload.Client.Internal;

namespace DirectUpload.Client;

/// <content>The parts of one multipart upload: signed just in time, sent in parallel, retried.</content>
public sealed partial class DirectUploadClient
{
    /// <summary>
    /// Sends the missing parts of one multipart upload. A dispatch loop signs a batch of parts when the previous batch has
    /// been handed out, waits for a free slot (at most <see cref="UploadOptions.MaxParallelParts"/> parts in flight, and in
    /// memory for a non-seekable stream), reads the part's body and starts it. The first failure stops the others.
    /// </summary>
    private sealed class MultipartUpload
    {
        private const string ContentMd5Required = "content_md5_required";

        private readonly DirectUploadClient _client;
        private readonly string _profile;
        private readonly string _token;
        private readonly MultipartLayout _layout;
        private readonly UploadSource _source;
        private readonly UploadOptions _options;
        private readonly RetryPolicy _retry;
        private readonly ProgressTracker _progress;
        private readonly string?[] _etags;
        private Exception? _failure;

        public MultipartUpload(
            DirectUploadClient client, string profile, string token, MultipartLayout layout, UploadSource source, UploadOptions options, RetryPolicy retry)
        {
            _client = client;
            _profile = profile;
            _token = token;
            _layout = layout;
            _source = source;
            _options = options;
            _retry = retry;
            _progress = new ProgressTracker(options.Progress, layout.TotalSize, layout.PartCount);
            _etags = new string?[layout.PartCount];
        }

        /// <summary>Sends every part not in <paramref name="stored"/> (with its right size); returns the ETags of all parts.</summary>
        public async Task<IReadOnlyList<PartETag>> SendPartsAsync(IReadOnlyList<UploadedPart> stored, CancellationToken cancellationToken)
        {
            foreach (var part in stored)
            {
                if (part.PartNumber >= 1 && part.PartNumber <= _layout.PartCount && part.Size == _layout.SizeOf(part.PartNumber) && !string.IsNullOrEmpty(part.ETag))
                {
                    _etags[part.PartNumber - 1] = part.ETag;
                    _progress.MarkStored(part.PartNumber - 1, part.Size);
                }
            }

            _progress.Flush();
            var missing = Enumerable.Range(1, _layout.PartCount).Where(n => _etags[n - 1] is null).ToArray();
            if (missing.Length > 0)
            {
                if (_options.ComputePartMd5)
                {
                    await SendHashedAsync(missing, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    try
                    {
                        await SendAsync(missing, cancellationToken).ConfigureAwait(false);
                    }
                    catch (DirectUploadClientException ex) when (ex.Code == ContentMd5Required)
                    {
                        // The profile requires part MD5s (refused at the first signing, before any part was read).
                        _failure = null;
                        await SendHashedAsync(Enumerable.Range(1, _layout.PartCount).Where(n => _etags[n - 1] is null).ToArray(), cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            return _etags.Select((etag, i) => new PartETag { PartNumber = i + 1, ETag = etag! }).ToArray();
        }

        private async Task SendAsync(int[] missing, CancellationToken cancellationToken)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var slots = new SemaphoreSlim(_options.MaxParallelParts);
            var running = new List<Task>();
            try
            {
                foreach (var batch in missing.Chunk(_options.PartSigningBatchSize))
                {
                    // Sign only when a part of this batch can start, so URLs do not age in a queue.
                    await slots.WaitAsync(stop.Token).ConfigureAwait(false);
                    var slotHeld = true;
                    try
                    {
                        // A slot freed by a failed or cancelled part can still be granted to this wait: start nothing then.
                        stop.Token.ThrowIfCancellationRequested();
                        var grants = await SignAsync(batch, stop.Token).ConfigureAwait(false);
                        foreach (var grant in grants)
                        {
                            if (!slotHeld)
                            {
                                await slots.WaitAsync(stop.Token).ConfigureAwait(false);
                                slotHeld = true;
                                stop.Token.ThrowIfCancellationRequested();
                            }

                            var body = await _source.GetPartAsync(_layout.OffsetOf(grant.PartNumber), _layout.SizeOf(grant.PartNumber), stop.Token).ConfigureAwait(false);
                            running.Add(Task.Run(() => RunPartAsync(grant.PartNumber, grant, body, slots, stop), CancellationToken.None));
                            slotHeld = false;
                        }
                    }
                    finally
                    {
                        if (slotHeld)
                        {
                            slots.Release();
                        }
                    }
                }
            }
            catch (Exception ex)
            {
                Fail(ex, stop);
            }

            await FinishAsync(running, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// Sends parts with their MD5s: each part, once it has a slot (and, for a non-seekable stream, is in memory), is
        /// hashed and signed on its own with its <c>Content-MD5</c>, then sent. Hashing runs in the parts' tasks, in parallel.
        /// </summary>
        private async Task SendHashedAsync(int[] missing, CancellationToken cancellationToken)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var slots = new SemaphoreSlim(_options.MaxParallelParts);
            var running = new List<Task>();
            try
            {
                foreach (var number in missing)
                {
                    await slots.WaitAsync(stop.Token).ConfigureAwait(false);
                    PartBody body;
                    try
                    {
                        stop.Token.ThrowIfCancellationRequested();
                        body = await _source.GetPartAsync(_layout.OffsetOf(number), _layout.SizeOf(number), stop.Token).ConfigureAwait(false);
                    }
                    catch
                    {
                        slots.Release();
                        throw;
                    }

                    running.Add(Task.Run(() => RunPartAsync(number, null, body, slots, stop), CancellationToken.None));
                }
            }
            catch (Exception ex)
            {
                Fail(ex, stop);
            }

            await FinishAsync(running, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>Waits for every started part, then throws the caller's cancellation or the first failure.</summary>
        private async Task FinishAsync(List<Task> running, CancellationToken cancellationToken)
        {
            await Task.WhenAll(running).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (_failure is { } failure)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }

        /// <summary>Signs a batch and returns its grants in the batch's order, checking the host signed what was asked.</summary>
        private async Task<MultipartPartGrant[]> SignAsync(int[] partNumbers, CancellationToken cancellationToken, string? md5 = null)
        {
            var md5s = md5 is null ? null : new Dictionary<int, string> { [partNumbers[0]] = md5 };
            var grants = await _retry.ExecuteAsync(ct => _client.SignPartsAsync(_profile, _token, partNumbers, md5s, ct), cancellationToken).ConfigureAwait(false);
            var byNumber = new Dictionary<int, MultipartPartGrant>(grants.Count);
            foreach (var grant in grants)
            {
                if (grant.Size != 0 && grant.Size != _layout.SizeOf(grant.PartNumber))
                {
                    throw Unexpected($"The host signed part {grant.PartNumber} for {grant.Size} bytes; the session's layout says {_layout.SizeOf(grant.PartNumber)}.");
                }

                if (md5 is not null && grant.Headers.TryGetValue("Content-MD5", out var signed) && !string.Equals(signed, md5, StringComparison.Ordinal))
                {
                    throw Unexpected($"The host signed part {grant.PartNumber} with another Content-MD5 than the part's.");
                }

                byNumber[grant.PartNumber] = grant;
            }

            return partNumbers
                .Select(n => byNumber.TryGetValue(n, out var grant) ? grant : throw Unexpected($"The host did not sign part {n}."))
                .ToArray();
        }

        private async Task RunPartAsync(int partNumber, MultipartPartGrant? grant, PartBody body, SemaphoreSlim slots, CancellationTokenSource stop)
        {
            try
            {
                string? md5 = null;
                if (grant is null)
                {
                    md5 = await body.ComputeMd5Async(stop.Token).ConfigureAwait(false);
                    grant = (await SignAsync([partNumber], stop.Token, md5).ConfigureAwait(false))[0];
                }

                _etags[partNumber - 1] = await SendPartWithRetriesAsync(grant, md5, body, stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Fail(ex, stop);
            }
            finally
            {
                body.Dispose();
                slots.Release();
            }
        }

        /// <summary>Sends one part: retries transient failures with backoff; on a 403 signs the part again, once.</summary>
        private async Task<string> SendPartWithRetriesAsync(MultipartPartGrant grant, string? md5, PartBody body, CancellationToken cancellationToken)
        {
            var index = grant.PartNumber - 1;
            var onWritten = _progress.For(index);
            var resigned = false;
            for (var attempt = 0; ; )
            {
                try
                {
                    return await _client.SendPartAsync(grant, body, onWritten, _options.StallTimeout, cancellationToken).ConfigureAwait(false);
                }
                catch (DirectUploadClientException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Forbidden && ex.IsStorageError
                    && ex.Code != DirectUploadErrorCodes.StorageFull && !resigned)
                {
                    // The URL may have expired while the part waited or crawled: sign it again.
                    resigned = true;
                    grant = (await SignAsync([grant.PartNumber], cancellationToken, md5).ConfigureAwait(false))[0];
                }
                catch (Exception ex) when (body.CanReread && _retry.ShouldRetry(ex, attempt, cancellationToken))
                {
                    await _retry.DelayAsync(attempt, ex, cancellationToken).ConfigureAwait(false);
                    attempt++;
                }
            }
        }

        private void Fail(Exception exception, CancellationTokenSource stop)
        {
            // The first failure wins; the others are mostly the cancellations it caused.
            Interlocked.CompareExchange(ref _failure, exception, null);
            try
            {
                stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Already finished.
            }
        }
    }
}
