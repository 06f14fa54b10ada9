using System.Globalization;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace DirectUpload.Internal;

/// <summary>
/// Small marker objects, written with <c>If-None-Match: *</c> under <see cref="DirectUploadEventOptions.InternalPrefix"/>, that
/// make completion exactly-once per object version across any number of app instances without a database: the instance
/// whose conditional write of <c>claim-N</c> succeeds runs the hooks, then writes <c>done</c>.
/// </summary>
/// <remarks>
/// Layout, per object version (bucket, key, version id, ETag, Last-Modified, hashed): <c>{prefix}v1/{hash}/claim-0001</c>…
/// (a claim older than the lease is taken over by writing the next number), <c>done</c>, <c>delivery-0001</c>… (one per
/// delivery that ran the processing hooks) and <c>processed</c>. Dead letters go to <c>{prefix}dead-letters/{hash}.json</c>.
/// </remarks>
internal sealed class CompletionLedger
{
    public const string Done = "done";
    public const string Processed = "processed";
    public const string ClaimPrefix = "claim-";
    public const string DeliveryPrefix = "delivery-";

    private readonly IAmazonS3 _client;

    public CompletionLedger(IAmazonS3 client, string bucket, string internalPrefix, string hash)
    {
        _client = client;
        Bucket = bucket;
        Base = string.Concat(internalPrefix, "v1/", hash, "/");
        DeadLetterKey = string.Concat(internalPrefix, "dead-letters/", hash, ".json");
    }

    public string Bucket { get; }

    public string Base { get; }

    public string DeadLetterKey { get; }

    /// <summary>The identity of one version of an object, as both a HEAD after the client's confirm and one after an event see it.</summary>
    public static string VersionHash(string bucket, string key, GetObjectMetadataResponse head)
    {
        var lastModified = head.LastModified is { } t ? new DateTimeOffset(t.ToUniversalTime(), TimeSpan.Zero).ToUnixTimeSeconds() : 0;
        var identity = string.Join('\n', bucket, key, head.VersionId ?? string.Empty, head.ETag ?? string.Empty, lastModified.ToString(CultureInfo.InvariantCulture));
        Span<byte> hash = stackalloc byte[32];
        Hashing.Sha256OfUtf8(identity, hash);
        return Convert.ToHexStringLower(hash);
    }

    public static string Numbered(string prefix, int n) => prefix + n.ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>Lists the markers of this version: name → last modified.</summary>
    public async Task<Dictionary<string, DateTimeOffset>> ListAsync(CancellationToken cancellationToken)
    {
        var markers = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        string? continuation = null;
        do
        {
            var page = await _client.ListObjectsV2Async(
                new ListObjectsV2Request { BucketName = Bucket, Prefix = Base, ContinuationToken = continuation },
                cancellationToken).ConfigureAwait(false);
            foreach (var o in page.S3Objects ?? [])
            {
                var modified = o.LastModified is { } t ? new DateTimeOffset(t.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.MinValue;
                markers[o.Key[Base.Length..]] = modified;
            }

            continuation = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (continuation is not null);
        return markers;
    }

    /// <summary>Creates a marker unless it exists; <see langword="false"/> when another writer got there first.</summary>
    public async Task<bool> TryCreateAsync(string name, string body, CancellationToken cancellationToken)
    {
        try
        {
            await _client.PutObjectAsync(
                new PutObjectRequest { BucketName = Bucket, Key = Base + name, ContentBody = body, ContentType = "application/json", IfNoneMatch = "*", UseChunkEncoding = false },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken) =>
        _client.DeleteObjectAsync(Bucket, Base + name, cancellationToken);

    public Task WriteDeadLetterAsync(string json, CancellationToken cancellationToken) =>
        _client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = DeadLetterKey, ContentBody = json, ContentType = "application/json", UseChunkEncoding = false }, cancellationToken);

    /// <summary>The highest number among markers named <paramref name="prefix"/>NNNN, or 0.</summary>
    public static int Highest(Dictionary<string, DateTimeOffset> markers, string prefix, out DateTimeOffset modified)
    {
        var highest = 0;
        modified = DateTimeOffset.MinValue;
        foreach (var (name, at) in markers)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal)
                && int.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                && n > highest)
            {
                highest = n;
                modified = at;
            }
        }

        return highest;
    }
}
