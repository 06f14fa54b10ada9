using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace DirectUpload.IntegrationTests.Infrastructure;

/// <summary>Reads the store back through the AWS SDK (not through the grant) to check what really landed.</summary>
public static class StoreChecks
{
    /// <summary>GetObject: the object's metadata and exact bytes.</summary>
    public static async Task<(GetObjectResponse Response, byte[] Bytes)> ReadAsync(this S3Fixture fixture, string key, string? bucket = null)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var response = await fixture.S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket ?? fixture.Bucket, Key = key });
        using var buffer = new MemoryStream();
        await using (var stream = response.ResponseStream)
        {
            await stream.CopyToAsync(buffer);
        }

        return (response, buffer.ToArray());
    }

    /// <summary>Asserts the object exists with exactly these bytes (and content type, when given).</summary>
    public static async Task<GetObjectResponse> ShouldHoldAsync(this S3Fixture fixture, string key, byte[] expected, string? contentType = null)
    {
        var (response, bytes) = await fixture.ReadAsync(key);
        bytes.Should().Equal(expected, $"the object '{key}' must hold exactly the uploaded bytes");
        response.ContentLength.Should().Be(expected.Length);
        if (contentType is not null)
        {
            response.Headers.ContentType.Should().Be(contentType);
        }

        return response;
    }

    /// <summary>Asserts no object exists under the key (in the fixture's bucket, or <paramref name="bucket"/>).</summary>
    public static async Task ShouldNotExistAsync(this S3Fixture fixture, string key, string? bucket = null)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var status = HttpStatusCode.OK;
        try
        {
            await fixture.S3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket ?? fixture.Bucket, Key = key });
        }
        catch (AmazonS3Exception e)
        {
            status = e.StatusCode;
        }

        status.Should().Be(HttpStatusCode.NotFound, $"nothing may be stored under '{key}' in {bucket ?? fixture.Bucket}");
    }

    /// <summary>
    /// The object's response headers exactly as the store sends them (a HEAD through an SDK-presigned URL; the SDK's own
    /// response model re-formats some, e.g. it re-orders Cache-Control directives). Header names are case-insensitive.
    /// </summary>
    public static async Task<Dictionary<string, string>> RawHeadersAsync(this S3Fixture fixture, string key)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var url = await fixture.S3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = fixture.Bucket,
            Key = key,
            Verb = HttpVerb.HEAD,
            Expires = DateTime.UtcNow.AddMinutes(5),
            Protocol = fixture.Endpoint.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? Protocol.HTTPS : Protocol.HTTP,
        });
        using var response = await fixture.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url));
        response.StatusCode.Should().Be(HttpStatusCode.OK, $"HEAD of '{key}' through an SDK-presigned URL");
        return response.Headers.NonValidated.Concat(response.Content.Headers.NonValidated)
            .ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The keys stored under a prefix, as the store lists them.</summary>
    public static async Task<List<string>> ListKeysAsync(this S3Fixture fixture, string prefix)
    {
        ArgumentNullException.ThrowIfNull(fixture);
        var response = await fixture.S3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = fixture.Bucket, Prefix = prefix });
        return response.S3Objects?.Select(o => o.Key).ToList() ?? [];
    }
}
