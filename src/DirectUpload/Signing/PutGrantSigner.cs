using System.Globalization;
using DirectUpload.Internal;

namespace DirectUpload.S3.Internal;

/// <summary>
/// Signs presigned <c>PUT</c> grants: Content-Type, Content-Length (= declared size), Content-MD5 (when given),
/// metadata, encryption, storage class and cache headers are all signed, so S3 refuses a request that changes any of them,
/// and so are the profile's guard headers (<see cref="ResolvedProfile.PutGuardHeaders"/>).
/// </summary>
internal sealed class PutGrantSigner(SigV4Signer signer) : IGrantSigner
{
    private static readonly IReadOnlyDictionary<string, string> NoFields = new Dictionary<string, string>();

    public string Method => "PUT";

    public SignedRequest Sign(in ValidatedUpload upload, SigningCredentials credentials)
    {
        var profile = upload.Profile;
        var address = profile.Address;
        var guards = profile.PutGuardHeaders;
        var md5 = upload.ContentMd5;
        var headers = new GrantParameters(2 + (md5 is null ? 0 : 1) + profile.StoredHeaders.CountWith(upload.Metadata) + guards.Length, StringComparer.OrdinalIgnoreCase);
        headers.Add("Content-Type", upload.ContentType);
        headers.Add("Content-Length", upload.Size.ToString(CultureInfo.InvariantCulture));
        if (md5 is not null)
        {
            headers.Add("Content-MD5", md5);
        }

        profile.StoredHeaders.AddTo(headers, upload.Metadata);
        foreach (var (name, value) in guards)
        {
            headers.Set(name, value);
        }

        var url = signer.Presign("PUT", address, upload.Key, credentials, profile.Expiry, upload.Now, headers);
        return new SignedRequest(url, NoFields, headers);
    }
}
