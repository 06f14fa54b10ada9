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
                await SendAsync(missing, cancellationToken).ConfigureAwait(false);
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
                        var grants = await SignAsync(batch, stop.Token).ConfigureAwait(false);
                        foreach (var grant in grants)
                        {
                            if (!slotHeld)
                            {
                                await slots.WaitAsync(stop.Token).ConfigureAwait(false);
                                slotHeld = true;
                            }

                            var body = await _source.GetPartAsync(_layout.OffsetOf(grant.PartNumber), _layout.SizeOf(grant.PartNumber), stop.Token).ConfigureAwait(false);
                            running.Add(Task.Run(() => RunPartAsync(grant, body, slots, stop), CancellationToken.None));
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

            await Task.WhenAll(running).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (_failure is { } failure)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }

        /// <summary>Signs a batch and returns its grants in the batch's order, checking the host signed what was asked.</summary>
        private async Task<MultipartPartGrant[]> SignAsync(int[] partNumbers, CancellationToken cancellationToken)
        {
            var grants = await _retry.ExecuteAsync(ct => _client.SignPartsAsync(_profile, _token, partNumbers, ct), cancellationToken).ConfigureAwait(false);
            var byNumber = new Dictionary<int, MultipartPartGrant>(grants.Count);
            foreach (var grant in grants)
            {
                if (grant.Size != 0 && grant.Size != _layout.SizeOf(grant.PartNumber))
                {
                    throw Unexpected($"The host signed part {grant.PartNumber} for {grant.Size} bytes; the session's layout says {_layout.SizeOf(grant.PartNumber)}.");
                }

                byNumber[grant.PartNumber] = grant;
            }

            return partNumbers
                .Select(n => byNumber.TryGetValue(n, out var grant) ? grant : throw Unexpected($"The host did not sign part {n}."))
                .ToArray();
        }

        private async Task RunPartAsync(MultipartPartGrant grant, PartBody body, SemaphoreSlim slots, CancellationTokenSource stop)
        {
            try
            {
                _etags[grant.PartNumber - 1] = await SendPartWithRetriesAsync(grant, body, stop.Token).ConfigureAwait(false);
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
        private async Task<string> SendPartWithRetriesAsync(MultipartPartGrant grant, PartBody body, CancellationToken cancellationToken)
        {
            var index = grant.PartNumber - 1;
            var onWritten = _progress.For(index);
            var resigned = false;
            for (var attempt = 0; ; )
            {
                try
                {
                    return await _client.SendPartAsync(grant, body, onWritten, cancellationToken).ConfigureAwait(false);
                }
                catch (DirectUploadClientException ex) when (ex.StatusCode == System.Net.HttpStatusCode.Forbidden && ex.IsStorageError && !resigned)
                {
                    // The URL may have expired while the part waited or crawled: sign it again.
                    resigned = true;
                    grant = (await SignAsync([grant.PartNumber], cancellationToken).ConfigureAwait(false))[0];
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
