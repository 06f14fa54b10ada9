using System.Globalization;
using DirectUpload.Internal;

namespace DirectUpload.S3.Internal;

/// <summary>
/// Signs presigned <c>PUT</c> grants: Content-Type, Content-Length (= declared size), Content-MD5 (when given),
/// metadata, encryption, storage class and cache headers are all signed, so S3 refuses a request that changes any of them.
/// </summary>
internal sealed class PutGrantSigner(SigV4Signer signer) : IGrantSigner
{
    private static readonly IReadOnlyDictionary<string, string> NoFields = new Dictionary<string, string>();

    public string Method => "PUT";

    public SignedRequest Sign(ValidatedUpload upload, SigningCredentials credentials)
    {
        var profile = upload.Profile;
        var options = profile.Options;
        var headers = new Dictionary<string, string>(7 + profile.StoredHeaders.CountWith(upload.Metadata), StringComparer.OrdinalIgnoreCase)
        {
            ["Content-Type"] = upload.ContentType,
            ["Content-Length"] = upload.Size.ToString(CultureInfo.InvariantCulture),
        };
        if (upload.ContentMd5 is { } md5)
        {
            headers["Content-MD5"] = md5;
        }

        profile.StoredHeaders.AddTo(headers, upload.Metadata);
        if (options.PreventOverwrite)
        {
            // single-use: the store refuses a replay once the key exists (412 PreconditionFailed)
            headers["If-None-Match"] = "*";
        }

        if (options.ObjectAcl is { } acl)
        {
            // a signed canned ACL: no other x-amz-acl value, and no x-amz-grant-* header, is accepted with it
            headers["x-amz-acl"] = acl;
        }

        var address = profile.Address;
        if (options.SealObjectHeaders)
        {
            if (!address.Endpoint.IsAmazonS3)
            {
                // signed empty: any value a client adds breaks the signature (RGW honours these when unsigned). AWS S3
                // refuses unsigned x-amz-* headers itself and validates a website redirect's value, so they stay unsigned there.
                headers["x-amz-tagging"] = string.Empty;
                headers["x-amz-website-redirect-location"] = string.Empty;
            }

            // Also an empty Cache-Control when the profile stores none: a browser that sends If-None-Match adds
            // "Cache-Control: no-cache" to the request unless the page set one (Fetch standard, HTTP-network-or-cache
            // fetch), and the store would keep it. Signed empty, neither the browser nor a client can add one.
            if (options.CacheControl is null)
            {
                headers["Cache-Control"] = string.Empty;
            }
        }

        var url = signer.Presign("PUT", address, upload.Key, credentials, options.Expiry, upload.Now, headers);
        return new SignedRequest(url, NoFields, headers);
    }
}
