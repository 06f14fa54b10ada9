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
        var address = AddressOf(upload.Bucket);
        var scope = Signer.GetScope(credentials.AccessKeyId, credentials.SecretAccessKey, upload.Now.UtcDateTime, address.Region);

        // form fields, in the order the client sends them (file last)
        var capacity = 7 + StoredHeaderCount(upload) + (upload.ContentMd5 is null ? 0 : 1) + (credentials.SessionToken is null ? 0 : 1);
        var fields = new Dictionary<string, string>(capacity, StringComparer.Ordinal)
        {
            ["key"] = upload.Key,
            ["Content-Type"] = upload.ContentType,
        };
        if (upload.ContentMd5 is { } md5)
        {
            fields["Content-MD5"] = md5;
        }

        AddStoredHeaders(upload, fields);

        fields["x-amz-algorithm"] = SigV4.Algorithm;
        fields["x-amz-credential"] = scope.Credential;
        fields["x-amz-date"] = SigV4.FormatAmzDate(upload.Now);
        if (credentials.SessionToken is { } sessionToken)
        {
            fields["x-amz-security-token"] = sessionToken;
        }

        // the policy's conditions are the bucket then every field above, as exact matches
        var (policy, signature) = PostPolicy.CreateSigned(
            upload.ExpiresAt, upload.Bucket, fields, upload.Profile.MinSizeBytes, upload.Profile.MaxSizeBytes, scope);
        fields["policy"] = policy;
        fields["x-amz-signature"] = signature;
        return new SignedRequest("POST", address.BucketUrl, fields, NoHeaders);
    }
}
