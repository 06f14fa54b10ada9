using DirectUpload.Internal;
using Microsoft.Extensions.Logging;

namespace DirectUpload.S3.Internal;

/// <summary>
/// Issues presigned <c>POST</c> policy grants: the policy binds the bucket, the exact key, the exact Content-Type,
/// <c>content-length-range</c> [profile minimum, profile maximum], Content-MD5 when given, and every stored header as exact
/// conditions. Any extra form field is refused by S3 (only <c>x-ignore-*</c>, <c>policy</c>, <c>x-amz-signature</c> and <c>file</c> are exempt).
/// </summary>
internal sealed class S3PresignedPostIssuer : S3UploadIssuerBase
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    public S3PresignedPostIssuer(
        UploadRequestValidator validator,
        S3ClientContext s3,
        SigV4Signer signer,
        IUploadTokenService tokens,
        DirectUploadTelemetry telemetry,
        ILoggerFactory loggerFactory)
        : base(validator, s3, signer, tokens, telemetry, loggerFactory.CreateLogger(Log.Category))
    {
    }

    public override UploadMethod Method => UploadMethod.Post;

    internal override SignedRequest Sign(ValidatedUpload upload, SigningCredentials credentials)
    {
        var endpoint = S3.GetEndpoint(upload.Bucket);
        var amzDate = SigV4.FormatAmzDate(upload.Now);
        var date = amzDate[..8];
        var credential = string.Concat(credentials.AccessKeyId, "/", SigV4.Scope(date, endpoint.Region));

        // form fields, in the order the client sends them (file last)
        var fields = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["key"] = upload.Key,
            ["Content-Type"] = upload.ContentType,
        };
        if (upload.ContentMd5 is { } md5)
        {
            fields["Content-MD5"] = md5;
        }

        foreach (var (name, value) in StoredHeaders(upload))
        {
            fields[name] = value;
        }

        fields["x-amz-algorithm"] = SigV4.Algorithm;
        fields["x-amz-credential"] = credential;
        fields["x-amz-date"] = amzDate;
        if (credentials.SessionToken is { } sessionToken)
        {
            fields["x-amz-security-token"] = sessionToken;
        }

        var conditions = new List<KeyValuePair<string, string>>(fields.Count + 1) { new("bucket", upload.Bucket) };
        conditions.AddRange(fields);
        var json = PostPolicy.Write(upload.ExpiresAt, conditions, upload.Profile.MinSizeBytes, upload.Profile.MaxSizeBytes);
        var policy = PostPolicy.ToBase64(json);
        fields["policy"] = policy;
        fields["x-amz-signature"] = Signer.SignPolicy(policy, credentials.SecretAccessKey, date, endpoint.Region);

        var host = endpoint.HostFor(upload.Bucket);
        var url = string.Concat(endpoint.Scheme, "://", host, endpoint.PathFor(upload.Bucket, key: null));
        return new SignedRequest("POST", url, fields, NoHeaders);
    }
}
