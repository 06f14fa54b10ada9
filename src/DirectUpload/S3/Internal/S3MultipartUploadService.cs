using System.Globalization;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using DirectUpload.Internal;
using Microsoft.Extensions.Logging;

namespace DirectUpload.S3.Internal;

/// <summary>The S3 implementation of <see cref="IMultipartUploadService"/>.</summary>
internal sealed class S3MultipartUploadService : IMultipartUploadService
{
    /// <summary>The highest <see cref="UploadProfileOptions.MaxPartUrlsPerRequest"/> allowed.</summary>
    public const int MaxPartsPerCall = 1000;

    private readonly UploadRequestValidator _validator;
    private readonly S3ClientContext _s3;
    private readonly SigV4Signer _signer;
    private readonly IUploadTokenService _tokens;
    private readonly DirectUploadTelemetry _telemetry;
    private readonly UploadCompletion _completion;
    private readonly Microsoft.Extensions.Options.IOptionsMonitor<DirectUploadOptions> _options;
    private readonly ILogger _logger;

    public S3MultipartUploadService(
        UploadRequestValidator validator,
        S3ClientContext s3,
        SigV4Signer signer,
        IUploadTokenService tokens,
        DirectUploadTelemetry telemetry,
        UploadCompletion completion,
        Microsoft.Extensions.Options.IOptionsMonitor<DirectUploadOptions> options,
        ILoggerFactory loggerFactory)
    {
        _completion = completion;
        _options = options;
        _validator = validator;
        _s3 = s3;
        _signer = signer;
        _tokens = tokens;
        _telemetry = telemetry;
        _logger = loggerFactory.CreateLogger(Log.Category);
    }

    public async Task<MultipartUploadStart> StartAsync(UploadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = DirectUploadTelemetry.ActivitySource.StartActivity("DirectUpload.StartMultipart");
        ValidatedUpload upload;
        try
        {
            var profile = _validator.GetProfile(request.Profile).Profile;
            if (profile.Method is not (UploadMethod.Multipart or UploadMethod.Auto))
            {
                throw new UploadRejectedException(UploadRejectionReason.MethodNotAllowed, $"Profile '{request.Profile}' does not use multipart uploads.");
            }

            upload = _validator.Validate(request, singleRequest: false);
            CheckPartSize(request, upload.Size);
        }
        catch (UploadRejectedException e)
        {
            Rejected(e.Reason == UploadRejectionReason.UnknownProfile ? DirectUploadTelemetry.UnknownProfileTag : request.Profile, e);
            throw;
        }

        var layout = request.PartSizeBytes is { } chosen
            ? MultipartLayout.Of(upload.Size, chosen)
            : MultipartLayout.For(upload.Size, upload.Profile.PartSizeBytes);
        var create = new InitiateMultipartUploadRequest
        {
            BucketName = upload.Bucket,
            Key = upload.Key,
            ContentType = upload.ContentType,
        };
        var p = upload.Profile;
        foreach (var (key, value) in upload.Metadata)
        {
            create.Metadata.Add(key, value);
        }

        if (p.CacheControl is { } cacheControl)
        {
            create.Headers.CacheControl = cacheControl;
        }

        if (p.ContentDisposition is { } disposition)
        {
            create.Headers.ContentDisposition = disposition;
        }

        if (p.ServerSideEncryption is { } sse)
        {
            create.ServerSideEncryptionMethod = new ServerSideEncryptionMethod(sse);
            if (p.KmsKeyId is { } kmsKeyId)
            {
                create.ServerSideEncryptionKeyManagementServiceKeyId = kmsKeyId;
            }
        }

        if (p.StorageClass is { } storageClass)
        {
            create.StorageClass = new S3StorageClass(storageClass);
        }

        var response = await _s3.RequiredClient.InitiateMultipartUploadAsync(create, cancellationToken).ConfigureAwait(false);
        var expiresAt = upload.Now + p.MultipartLifetime;
        var token = _tokens.CreateToken(new UploadTicket
        {
            Profile = upload.ProfileName,
            Key = upload.Key,
            OwnerId = upload.OwnerId,
            Size = upload.Size,
            ContentType = upload.ContentType,
            ExpiresAt = expiresAt,
            UploadId = response.UploadId,
            PartSize = layout.PartSize,
            MetadataDigest = StoredObjectCheck.MetadataDigest(upload.Metadata),
        });

        Log.MultipartStarted(_logger, upload.ProfileName, upload.Size, layout.PartCount, layout.PartSize);
        Log.GrantKey(_logger, upload.ProfileName, upload.Key, request.FileName);
        _telemetry.RecordIssued(upload.ProfileName, "MULTIPART");
        return new MultipartUploadStart
        {
            UploadId = response.UploadId,
            Key = upload.Key,
            PartSize = layout.PartSize,
            PartCount = layout.PartCount,
            ExpiresAt = expiresAt,
            Token = token,
        };
    }

    /// <summary>A part size the client chose must fit S3's limits for this total size (checked before S3 is called).</summary>
    private static void CheckPartSize(UploadRequest request, long size)
    {
        if (request.PartSizeBytes is not { } partSize)
        {
            return;
        }

        var fitsOnePart = size <= partSize;
        if (partSize > UploadProfileOptions.MaxPartSizeBytes
            || (partSize < UploadProfileOptions.MinPartSizeBytes && !fitsOnePart)
            || partSize <= 0
            || (size + partSize - 1) / partSize > UploadProfileOptions.MaxPartCount)
        {
            throw new UploadRejectedException(
                UploadRejectionReason.InvalidSize,
                $"A part size of {partSize} bytes does not fit a multipart upload of {size} bytes (5 MiB to 5 GiB per part, at most {UploadProfileOptions.MaxPartCount} parts).");
        }
    }

    public async ValueTask<IReadOnlyList<MultipartPartGrant>> SignPartsAsync(MultipartPartsRequest request, CancellationToken cancellationToken = default)
    {
        var (ticket, profile, bucket, layout) = Check(request);
        var numbers = request.PartNumbers ?? throw Reject(request, UploadRejectionReason.InvalidPartNumber, "No part numbers were given.");
        if (numbers.Count == 0 || numbers.Count > profile.MaxPartUrlsPerRequest)
        {
            throw Reject(request, UploadRejectionReason.InvalidPartNumber, $"Ask for 1 to {profile.MaxPartUrlsPerRequest} parts at a time.");
        }

        var seen = new HashSet<int>();
        foreach (var number in numbers)
        {
            if (number < 1 || number > layout.PartCount || !seen.Add(number))
            {
                throw Reject(request, UploadRejectionReason.InvalidPartNumber, $"Part number {number} is outside 1..{layout.PartCount} or repeated.");
            }
        }

        if (request.ContentMd5 is { } md5s)
        {
            foreach (var (number, md5) in md5s)
            {
                if (!seen.Contains(number) || !ContentMd5.IsValid(md5))
                {
                    throw Reject(request, UploadRejectionReason.InvalidContentMd5, $"The Content-MD5 of part {number} is not a requested part's base64 MD5.");
                }
            }
        }

        if (profile.RequireContentMd5 && numbers.FirstOrDefault(n => request.ContentMd5?.ContainsKey(n) != true) is var unhashed and > 0)
        {
            // the profile's Content-MD5 requirement holds for every part: the store then checks each part's bytes
            throw Reject(request, UploadRejectionReason.ContentMd5Required, $"Profile '{ticket.Profile}' requires a Content-MD5 for every part; part {unhashed} has none.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var credentials = await _s3.GetUploadCredentialsAsync().ConfigureAwait(false);
        var endpoint = _s3.GetEndpoint(bucket);
        var now = SigV4Signer.SigningInstant(_signer.TimeProvider);
        var expiry = profile.Expiry;
        var grants = new List<MultipartPartGrant>(numbers.Count);
        foreach (var number in numbers)
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                ["Content-Length"] = layout.SizeOf(number).ToString(CultureInfo.InvariantCulture),
            };
            if (request.ContentMd5 is not null && request.ContentMd5.TryGetValue(number, out var md5))
            {
                headers["Content-MD5"] = md5;
            }

            var query = new KeyValuePair<string, string>[]
            {
                new("partNumber", number.ToString(CultureInfo.InvariantCulture)),
                new("uploadId", ticket.UploadId!),
            };
            var url = _signer.Presign("PUT", endpoint, bucket, ticket.Key, credentials, expiry, now, headers, query);
            grants.Add(new MultipartPartGrant { PartNumber = number, Url = url, Headers = headers, Size = layout.SizeOf(number), ExpiresAt = now + expiry });
        }

        Log.MultipartPartsSigned(_logger, ticket.Profile, grants.Count);
        return grants;
    }

    public async Task<IReadOnlyList<UploadedPart>> ListPartsAsync(UploadTokenRequest request, CancellationToken cancellationToken = default)
    {
        var (ticket, _, bucket, _) = Check(request);
        var parts = await ListAllPartsAsync(request, ticket, bucket, cancellationToken).ConfigureAwait(false);
        return parts.Select(p => new UploadedPart { PartNumber = p.PartNumber ?? 0, Size = p.Size ?? 0, ETag = p.ETag }).ToList();
    }

    public async Task<UploadedObject> CompleteAsync(MultipartCompleteRequest request, CancellationToken cancellationToken = default)
    {
        var (ticket, profile, bucket, layout) = Check(request);
        using var activity = DirectUploadTelemetry.ActivitySource.StartActivity("DirectUpload.CompleteMultipart");
        var given = request.Parts ?? throw Reject(request, UploadRejectionReason.InvalidParts, "No parts were given.");
        if (given.Count != layout.PartCount)
        {
            throw Reject(request, UploadRejectionReason.InvalidParts, $"The upload has {layout.PartCount} parts; {given.Count} were given.");
        }

        var sorted = given.OrderBy(p => p.PartNumber).ToList();
        for (var i = 0; i < sorted.Count; i++)
        {
            if (sorted[i].PartNumber != i + 1 || string.IsNullOrWhiteSpace(sorted[i].ETag) || sorted[i].ETag.Length > 128)
            {
                throw Reject(request, UploadRejectionReason.InvalidParts, "Every part from 1 to the part count must be given once, with its ETag.");
            }
        }

        // every part must be in the store with exactly its expected size (each URL signed that size, so this holds
        // unless a part is missing); checked before completing so a bad upload can still be resumed
        List<PartDetail> stored;
        try
        {
            stored = await ListAllPartsAsync(request, ticket, bucket, cancellationToken).ConfigureAwait(false);
        }
        catch (UploadRejectedException e) when (e.Reason == UploadRejectionReason.ObjectNotFound)
        {
            // the upload is gone: a retry after a successful completion finds the object; after an abort, nothing
            return await VerifyObjectAsync(request, ticket, profile, bucket, etag: null, cancellationToken).ConfigureAwait(false);
        }

        var storedByNumber = stored.ToDictionary(p => p.PartNumber ?? 0);
        foreach (var part in sorted)
        {
            if (!storedByNumber.TryGetValue(part.PartNumber, out var s))
            {
                throw Reject(request, UploadRejectionReason.InvalidParts, $"Part {part.PartNumber} has not been uploaded.");
            }

            if (s.Size != layout.SizeOf(part.PartNumber))
            {
                throw Reject(request, UploadRejectionReason.SizeMismatch, $"Part {part.PartNumber} has {s.Size} bytes; {layout.SizeOf(part.PartNumber)} were expected.");
            }

            if (!string.Equals(ContentMd5.UnquoteETag(s.ETag), ContentMd5.UnquoteETag(part.ETag), StringComparison.Ordinal))
            {
                throw Reject(request, UploadRejectionReason.InvalidParts, $"The ETag given for part {part.PartNumber} does not match the stored part.");
            }
        }

        var client = _s3.RequiredClient;
        if (profile.PreventOverwrite)
        {
            await EnsureKeyIsFreeAsync(request, client, bucket, ticket.Key, cancellationToken).ConfigureAwait(false);
        }

        var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = ticket.Key, UploadId = ticket.UploadId };
        if (profile.PreventOverwrite)
        {
            // enforced by AWS S3 (412); Ceph RGW 16.2 ignores it, which the check above covers up to a short race window
            complete.IfNoneMatch = "*";
        }

        complete.AddPartETags(sorted.Select(p => new Amazon.S3.Model.PartETag(p.PartNumber, Quote(p.ETag))));
        CompleteMultipartUploadResponse completed;
        try
        {
            completed = await client.CompleteMultipartUploadAsync(complete, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // already completed (idempotent retry) or aborted: decide by the object itself
            return await VerifyObjectAsync(request, ticket, profile, bucket, etag: null, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict && profile.PreventOverwrite)
        {
            throw Reject(request, UploadRejectionReason.ObjectExists, "An object already exists under this upload's key; it was not replaced.");
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.BadRequest)
        {
            throw Reject(request, UploadRejectionReason.InvalidParts, $"The store refused to complete the upload ({e.ErrorCode}).");
        }

        return await VerifyObjectAsync(request, ticket, profile, bucket, completed.ETag, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Refuses to complete over an object that is already stored under the key (written by anything but this upload).</summary>
    private async Task EnsureKeyIsFreeAsync(UploadTokenRequest request, IAmazonS3 client, string bucket, string key, CancellationToken cancellationToken)
    {
        try
        {
            await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return;
        }

        throw Reject(request, UploadRejectionReason.ObjectExists, "An object already exists under this upload's key; it was not replaced.");
    }

    public async Task AbortAsync(UploadTokenRequest request, CancellationToken cancellationToken = default)
    {
        var (ticket, _, bucket, _) = Check(request);
        try
        {
            await _s3.RequiredClient.AbortMultipartUploadAsync(
                new AbortMultipartUploadRequest { BucketName = bucket, Key = ticket.Key, UploadId = ticket.UploadId },
                cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // already aborted or completed: nothing to free
        }

        Log.MultipartAborted(_logger, ticket.Profile);
    }

    private async Task<UploadedObject> VerifyObjectAsync(UploadTokenRequest request, UploadTicket ticket, UploadProfileOptions profile, string bucket, string? etag, CancellationToken cancellationToken)
    {
        var client = _s3.RequiredClient;
        GetObjectMetadataResponse head;
        try
        {
            head = await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = ticket.Key }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw Reject(request, UploadRejectionReason.ObjectNotFound, "The multipart upload no longer exists and no object was stored.");
        }

        if (StoredObjectCheck.Verify(ticket, profile, S3StoredObjectFacts.FromHead(head)) is { } mismatch)
        {
            await S3StoredObjectFacts.DeleteRefusedAsync(client, new CheckedToken(ticket, ticket.Profile, profile, bucket), _logger, mismatch, cancellationToken).ConfigureAwait(false);
            throw Reject(request, mismatch.Reason, mismatch.PublicMessage);
        }

        var uploaded = new UploadedObject
        {
            Profile = ticket.Profile,
            Key = ticket.Key,
            Size = head.ContentLength,
            ContentType = ticket.ContentType,
            ETag = head.ETag ?? etag ?? string.Empty,
            OwnerId = ticket.OwnerId,
        };
        var ledger = _completion.LedgerFor(bucket, ticket.Key, head);
        if (await _completion.CompleteOnceAsync(ledger, uploaded, _options.CurrentValue.Events.ConfirmWait, cancellationToken).ConfigureAwait(false))
        {
            _telemetry.RecordCompleted(ticket.Profile, "MULTIPART");
        }

        Log.MultipartCompleted(_logger, ticket.Profile, head.ContentLength);
        return uploaded;
    }

    private async Task<List<PartDetail>> ListAllPartsAsync(UploadTokenRequest request, UploadTicket ticket, string bucket, CancellationToken cancellationToken)
    {
        var parts = new List<PartDetail>();
        int? marker = null;
        try
        {
            while (true)
            {
                var page = await _s3.RequiredClient.ListPartsAsync(
                    new ListPartsRequest { BucketName = bucket, Key = ticket.Key, UploadId = ticket.UploadId, PartNumberMarker = marker?.ToString(CultureInfo.InvariantCulture) },
                    cancellationToken).ConfigureAwait(false);
                if (page.Parts is { } pageParts)
                {
                    parts.AddRange(pageParts);
                }

                if (page.IsTruncated != true || page.NextPartNumberMarker is null)
                {
                    break;
                }

                marker = page.NextPartNumberMarker;
            }
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw Reject(request, UploadRejectionReason.ObjectNotFound, "The multipart upload does not exist (completed or aborted).");
        }

        return parts;
    }

    private (UploadTicket Ticket, UploadProfileOptions Profile, string Bucket, MultipartLayout Layout) Check(UploadTokenRequest request) =>
        CheckToken(request) is var t ? (t.Ticket, t.Profile, t.Bucket, MultipartLayout.Of(t.Ticket.Size, t.Ticket.PartSize)) : default;

    private CheckedToken CheckToken(UploadTokenRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            return TokenGuard.Check(_tokens, _validator, request, multipart: true, _logger);
        }
        catch (UploadRejectedException e)
        {
            Rejected(DirectUploadTelemetry.UnknownProfileTag, e);
            throw;
        }
    }

    private UploadRejectedException Reject(UploadTokenRequest request, UploadRejectionReason reason, string message)
    {
        var e = new UploadRejectedException(reason, message);
        Rejected(request.Profile, e);
        return e;
    }

    private void Rejected(string profile, UploadRejectedException e)
    {
        Log.MultipartRejected(_logger, profile, e.Code);
        _telemetry.RecordRejected(profile, "MULTIPART", e.Reason);
    }

    private static string Quote(string etag) => string.Concat("\"", ContentMd5.UnquoteETag(etag), "\"");
}
