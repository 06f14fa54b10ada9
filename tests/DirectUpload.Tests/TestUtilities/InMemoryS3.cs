using System.Collections.Concurrent;
using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Moq;

namespace DirectUpload.Tests.TestUtilities;

/// <summary>
/// A <see cref="Mock{IAmazonS3}"/> at the AWS interface boundary that keeps objects in memory, with just enough S3
/// semantics for the event pipeline: HEAD, ListObjectsV2 by prefix, PUT (with <c>If-None-Match: *</c>), DELETE.
/// </summary>
public sealed class InMemoryS3
{
    private readonly ConcurrentDictionary<(string Bucket, string Key), StoredObject> _objects = new();
    private readonly TimeProvider _clock;
    private int _puts;

    public InMemoryS3(TimeProvider clock)
    {
        _clock = clock;
        Mock = new Mock<IAmazonS3>(MockBehavior.Strict);
        Mock.Setup(c => c.GetObjectMetadataAsync(It.IsAny<GetObjectMetadataRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((GetObjectMetadataRequest r, CancellationToken _) => Head(r.BucketName, r.Key));
        Mock.Setup(c => c.ListObjectsV2Async(It.IsAny<ListObjectsV2Request>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((ListObjectsV2Request r, CancellationToken _) => new ListObjectsV2Response
            {
                S3Objects = _objects.Where(o => o.Key.Bucket == r.BucketName && o.Key.Key.StartsWith(r.Prefix, StringComparison.Ordinal))
                    .Select(o => new S3Object { BucketName = r.BucketName, Key = o.Key.Key, LastModified = o.Value.LastModified.UtcDateTime, Size = o.Value.Body.Length })
                    .ToList(),
                IsTruncated = false,
                HttpStatusCode = HttpStatusCode.OK,
            });
        Mock.Setup(c => c.PutObjectAsync(It.IsAny<PutObjectRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((PutObjectRequest r, CancellationToken _) =>
            {
                Interlocked.Increment(ref _puts);
                var stored = new StoredObject(r.ContentBody ?? string.Empty, r.ContentType ?? "binary/octet-stream", new Dictionary<string, string>(), _clock.GetUtcNow(), Guid.NewGuid().ToString("N"));
                if (r.IfNoneMatch == "*")
                {
                    if (!_objects.TryAdd((r.BucketName, r.Key), stored))
                    {
                        throw Error(HttpStatusCode.PreconditionFailed, "PreconditionFailed");
                    }
                }
                else
                {
                    _objects[(r.BucketName, r.Key)] = stored;
                }

                return new PutObjectResponse { ETag = Quote(stored.ETag), HttpStatusCode = HttpStatusCode.OK };
            });
        Mock.Setup(c => c.DeleteObjectAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string bucket, string key, CancellationToken _) =>
            {
                _objects.TryRemove((bucket, key), out var _);
                return new DeleteObjectResponse { HttpStatusCode = HttpStatusCode.NoContent };
            });
    }

    public Mock<IAmazonS3> Mock { get; }

    /// <summary>Gets how many PUTs were made (markers included).</summary>
    public int Puts => _puts;

    /// <summary>Fails the next <paramref name="count"/> HEAD requests with a 503, as a store that is briefly unavailable.</summary>
    public int FailHeads { get; set; }

    public IEnumerable<string> Keys(string bucket) => _objects.Keys.Where(k => k.Bucket == bucket).Select(k => k.Key);

    public bool Exists(string bucket, string key) => _objects.ContainsKey((bucket, key));

    public string Body(string bucket, string key) => _objects[(bucket, key)].Body;

    /// <summary>Stores an object as an upload would (an ETag that is the hex MD5 of the body, the given metadata).</summary>
    public void Upload(string bucket, string key, string body, string contentType, IReadOnlyDictionary<string, string> metadata, DateTimeOffset? at = null)
    {
#pragma warning disable CA5351 // S3 ETags are MD5s
        var md5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(body)));
#pragma warning restore CA5351
        _objects[(bucket, key)] = new StoredObject(body, contentType, metadata, at ?? _clock.GetUtcNow(), md5);
    }

    /// <summary>Stores a marker as if written at <paramref name="at"/>.</summary>
    public void Put(string bucket, string key, DateTimeOffset at) =>
        _objects[(bucket, key)] = new StoredObject("{}", "application/json", new Dictionary<string, string>(), at, Guid.NewGuid().ToString("N"));

    private static string Quote(string etag) => "\"" + etag + "\"";

    private static AmazonS3Exception Error(HttpStatusCode status, string code) =>
        new(code, ErrorType.Sender, code, "REQ", status);

    private GetObjectMetadataResponse Head(string bucket, string key)
    {
        if (FailHeads > 0)
        {
            FailHeads--;
            throw Error(HttpStatusCode.ServiceUnavailable, "ServiceUnavailable");
        }

        if (!_objects.TryGetValue((bucket, key), out var o))
        {
            throw Error(HttpStatusCode.NotFound, "NotFound");
        }

        var response = new GetObjectMetadataResponse
        {
            ETag = Quote(o.ETag),
            ContentLength = System.Text.Encoding.UTF8.GetByteCount(o.Body),
            LastModified = o.LastModified.UtcDateTime,
            HttpStatusCode = HttpStatusCode.OK,
        };
        response.Headers.ContentType = o.ContentType;
        foreach (var (name, value) in o.Metadata)
        {
            response.Metadata.Add(name, value);
        }

        return response;
    }

    private sealed record StoredObject(string Body, string ContentType, IReadOnlyDictionary<string, string> Metadata, DateTimeOffset LastModified, string ETag);
}
