using System.Globalization;
using DirectUpload.Internal;
using Microsoft.Extensions.Logging;

namespace DirectUpload.S3.Internal;

/// <summary>
/// Issues presigned <c>PUT</c> grants: Content-Type, Content-Length (= declared size), Content-MD5 (when given),
/// metadata, encryption, storage class and cache headers are all signed, so S3 refuses a request that changes any of them.
/// </summary>
internal sealed class S3PresignedPutIssuer : S3UploadIssuerBase
{
    private static readonly IReadOnlyDictionary<string, string> NoFields = new Dictionary<string, string>();

    public S3PresignedPutIssuer(
        UploadRequestValidator validator,
        S3ClientContext s3,
        SigV4Signer signer,
        IUploadTokenService tokens,
        DirectUploadTelemetry telemetry,
        ILoggerFactory loggerFactory)
        : base(validator, s3, signer, tokens, telemetry, loggerFactory.CreateLogger(Log.Category))
    {
    }

    public override UploadMethod Method => UploadMethod.Put;

    internal override SignedRequest Sign(ValidatedUpload upload, SigningCredentials credentials)
    {
        var headers = new Dictionary<string, string>(7 + StoredHeaderCount(upload), StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Type"] = upload.ContentType,
            ["Content-Length"] = upload.Size.ToString(CultureInfo.InvariantCulture),
        };
        if (upload.ContentMd5 is { } md5)
        {
            headers["Content-MD5"] = md5;
        }

        AddStoredHeaders(upload, headers);
        var profile = upload.Profile;
        if (profile.PreventOverwrite)
        {
            // single-use: the store refuses a replay once the key exists (412 PreconditionFailed)
            headers["If-None-Match"] = "*";
        }

        if (profile.ObjectAcl is { } acl)
        {
            // a signed canned ACL: no other x-amz-acl value, and no x-amz-grant-* header, is accepted with it
            headers["x-amz-acl"] = acl;
        }

        if (profile.SealObjectHeaders)
        {
            // signed empty: any value a client adds breaks the signature (RGW honours these when unsigned)
            headers["x-amz-tagging"] = string.Empty;
            headers["x-amz-website-redirect-location"] = string.Empty;

            // Also an empty Cache-Control when the profile stores none: a browser that sends If-None-Match adds
            // "Cache-Control: no-cache" to the request unless the page set one (Fetch standard, HTTP-network-or-cache
            // fetch), and the store would keep it. Signed empty, neither the browser nor a client can add one.
            if (profile.CacheControl is null)
            {
                headers["Cache-Control"] = string.Empty;
            }
        }

        var url = Signer.Presign("PUT", AddressOf(upload.Bucket), upload.Key, credentials, upload.Profile.Expiry, upload.Now, headers);
        return new SignedRequest("PUT", url, NoFields, headers);
    }
}
