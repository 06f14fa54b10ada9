namespace DirectUpload.S3.Internal;

/// <summary>
/// One bucket at one endpoint, with the strings its URLs start with computed once: immutable, so it can be cached and
/// shared by the issuers (a grant then only writes the object's own path and the query).
/// </summary>
internal sealed class BucketAddress
{
    public BucketAddress(S3Endpoint endpoint, string bucket)
    {
        Endpoint = endpoint;
        Bucket = bucket;
        Host = endpoint.HostFor(bucket);
        Origin = string.Concat(endpoint.Scheme, "://", Host);
        BucketPath = endpoint.BucketPath(bucket);
        BucketUrl = string.Concat(Origin, endpoint.PathFor(bucket, key: null));
    }

    public S3Endpoint Endpoint { get; }

    public string Bucket { get; }

    /// <summary>Gets the Host header value.</summary>
    public string Host { get; }

    /// <summary>Gets <c>scheme://host[:port]</c>.</summary>
    public string Origin { get; }

    /// <summary>Gets <see cref="S3Endpoint.BucketPath"/>: object paths are this, '/', then the encoded key.</summary>
    public string BucketPath { get; }

    /// <summary>Gets the URL of the bucket itself (where POST uploads go).</summary>
    public string BucketUrl { get; }

    public string Region => Endpoint.Region;
}
