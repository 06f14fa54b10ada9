namespace DirectUpload.S3.Internal;

/// <summary>Where a bucket's objects are addressed, and the region that signs for them.</summary>
/// <param name="Scheme">http or https.</param>
/// <param name="Host">The host name, without port.</param>
/// <param name="Port">The port, or -1 for the scheme's default.</param>
/// <param name="PathStyle">Whether the bucket is the first path segment (else it is in the host name).</param>
/// <param name="Region">The signing region.</param>
/// <param name="BasePath">A path prefix of the service URL ("" or e.g. "/s3"), without trailing slash.</param>
internal sealed record S3Endpoint(string Scheme, string Host, int Port, bool PathStyle, string Region, string BasePath = "")
{
    /// <summary>
    /// Whether this is AWS S3 itself (an <c>amazonaws.com</c> host), which refuses unsigned <c>x-amz-*</c> headers on
    /// presigned requests; S3-compatible stores such as Ceph RGW apply them.
    /// </summary>
    public bool IsAmazonS3 { get; init; }

    /// <summary>The Host header value for a bucket.</summary>
    public string HostFor(string bucket)
    {
        var host = PathStyle ? Host : string.Concat(bucket, ".", Host);
        return Port < 0 ? host : string.Concat(host, ":", Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The canonical (already URI-encoded) path of an object, or of the bucket when <paramref name="key"/> is null.</summary>
    public string PathFor(string bucket, string? key)
    {
        var prefix = BucketPath(bucket);
        if (key is null)
        {
            return PathStyle ? prefix : prefix + "/";
        }

        return string.Concat(prefix, "/", SigV4.UriEncode(key, encodeSlash: false));
    }

    /// <summary>The encoded path every object path of the bucket starts with, without trailing slash ("" when virtual-hosted).</summary>
    public string BucketPath(string bucket) =>
        PathStyle ? string.Concat(BasePath, "/", SigV4.UriEncode(bucket, encodeSlash: true)) : BasePath;

    /// <summary>Computes once the strings every URL of a bucket starts with.</summary>
    public BucketAddress AddressOf(string bucket) => new(this, bucket);

    /// <summary>Creates the endpoint for AWS itself (virtual-hosted style, path style for bucket names with dots over https).</summary>
    public static S3Endpoint ForAws(string region, string bucket)
    {
        var suffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        var host = string.Concat("s3.", region, ".", suffix);
        var pathStyle = bucket.Contains('.', StringComparison.Ordinal);
        return new S3Endpoint("https", host, -1, pathStyle, region) { IsAmazonS3 = true };
    }

    /// <summary>Creates the endpoint for an S3-compatible service URL (e.g. <c>http://127.0.0.1:7480</c>).</summary>
    public static S3Endpoint ForServiceUrl(Uri serviceUrl, string region, bool forcePathStyle)
    {
        var port = serviceUrl.IsDefaultPort ? -1 : serviceUrl.Port;
        var basePath = serviceUrl.AbsolutePath.TrimEnd('/');
        var host = serviceUrl.Host;
        var isAws = host.EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".amazonaws.com.cn", StringComparison.OrdinalIgnoreCase);
        return new S3Endpoint(serviceUrl.Scheme, host, port, forcePathStyle, region, basePath) { IsAmazonS3 = isAws };
    }
}
