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
    /// <summary>The Host header value for a bucket.</summary>
    public string HostFor(string bucket)
    {
        var host = PathStyle ? Host : string.Concat(bucket, ".", Host);
        return Port < 0 ? host : string.Concat(host, ":", Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The canonical (already URI-encoded) path of an object, or of the bucket when <paramref name="key"/> is null.</summary>
    public string PathFor(string bucket, string? key)
    {
        var prefix = PathStyle ? string.Concat(BasePath, "/", SigV4.UriEncode(bucket, encodeSlash: true)) : BasePath;
        if (key is null)
        {
            return PathStyle ? prefix : prefix + "/";
        }

        return string.Concat(prefix, "/", SigV4.UriEncode(key, encodeSlash: false));
    }

    /// <summary>Creates the endpoint for AWS itself (virtual-hosted style, path style for bucket names with dots over https).</summary>
    public static S3Endpoint ForAws(string region, string bucket)
    {
        var suffix = region.StartsWith("cn-", StringComparison.Ordinal) ? "amazonaws.com.cn" : "amazonaws.com";
        var host = string.Concat("s3.", region, ".", suffix);
        var pathStyle = bucket.Contains('.', StringComparison.Ordinal);
        return new S3Endpoint("https", host, -1, pathStyle, region);
    }

    /// <summary>Creates the endpoint for an S3-compatible service URL (e.g. <c>http://127.0.0.1:7480</c>).</summary>
    public static S3Endpoint ForServiceUrl(Uri serviceUrl, string region, bool forcePathStyle)
    {
        var port = serviceUrl.IsDefaultPort ? -1 : serviceUrl.Port;
        var basePath = serviceUrl.AbsolutePath.TrimEnd('/');
        return new S3Endpoint(serviceUrl.Scheme, serviceUrl.Host, port, forcePathStyle, region, basePath);
    }
}
