using DirectUpload.Internal;

namespace DirectUpload.S3.Internal;

/// <summary>
/// Signs presigned <c>POST</c> policy grants: the policy binds the bucket, the exact key, the exact Content-Type,
/// <c>content-length-range</c> [profile minimum, profile maximum], Content-MD5 when given, and every stored header as exact
/// conditions. Any extra form field is refused by S3 (only <c>x-ignore-*</c>, <c>policy</c>, <c>x-amz-signature</c> and <c>file</c> are exempt).
/// </summary>
internal sealed class PostGrantSigner(SigV4Signer signer) : IGrantSigner
{
    private static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    public string Method => "POST";

    public SignedRequest Sign(in ValidatedUpload upload, SigningCredentials credentials)
    {
        var profile = upload.Profile;
        var address = profile.Address;
        var scope = signer.GetScope(credentials.AccessKeyId, credentials.SecretAccessKey, upload.Now.UtcDateTime, address.Region);

        // form fields, in the order the client sends them (file last)
        var capacity = 7 + profile.StoredHeaders.CountWith(upload.Metadata) + (upload.ContentMd5 is null ? 0 : 1) + (credentials.SessionToken is null ? 0 : 1);
        var fields = new GrantParameters(capacity, StringComparer.Ordinal);
        fields.Add("key", upload.Key);
        fields.Add("Content-Type", upload.ContentType);
        if (upload.ContentMd5 is { } md5)
        {
            fields.Add("Content-MD5", md5);
        }

        profile.StoredHeaders.AddTo(fields, upload.Metadata);

        fields.Add("x-amz-algorithm", SigV4.Algorithm);
        fields.Add("x-amz-credential", scope.Credential);
        fields.Add("x-amz-date", SigV4.FormatAmzDate(upload.Now));
        if (credentials.SessionToken is { } sessionToken)
        {
            fields.Add("x-amz-security-token", sessionToken);
        }

        // the policy's conditions are the bucket then every field above, as exact matches
        var (policy, signature) = PostPolicy.CreateSigned(
            upload.ExpiresAt, upload.Bucket, fields, profile.MinSizeBytes, profile.MaxSizeBytes, scope);
        fields.AddBase64("policy", policy);
        fields.Add("x-amz-signature", signature);
        return new SignedRequest(address.BucketUrl, fields, NoHeaders);
    }
}
