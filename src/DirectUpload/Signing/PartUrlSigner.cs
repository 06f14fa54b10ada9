using System.Globalization;
using DirectUpload.Internal;

namespace DirectUpload.S3.Internal;

/// <summary>
/// Signs the UploadPart URLs of a multipart upload: each URL carries its part's exact <c>Content-Length</c> (and the
/// part's Content-MD5 when given), so the parts together cannot exceed the declared size.
/// </summary>
internal sealed class PartUrlSigner(SigV4Signer signer, TimeProvider timeProvider)
{
    public List<MultipartPartGrant> Sign(
        ResolvedProfile profile,
        UploadTicket ticket,
        MultipartLayout layout,
        IReadOnlyCollection<int> numbers,
        IReadOnlyDictionary<int, string>? contentMd5,
        SigningCredentials credentials)
    {
        var now = SigV4Signer.SigningInstant(timeProvider);
        var expiry = profile.Expiry;
        var grants = new List<MultipartPartGrant>(numbers.Count);
        foreach (var number in numbers)
        {
            var size = layout.SizeOf(number);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                ["Content-Length"] = size.ToString(CultureInfo.InvariantCulture),
            };
            if (contentMd5 is not null && contentMd5.TryGetValue(number, out var md5))
            {
                headers["Content-MD5"] = md5;
            }

            var query = new KeyValuePair<string, string>[]
            {
                new("partNumber", number.ToString(CultureInfo.InvariantCulture)),
                new("uploadId", ticket.UploadId!),
            };
            var url = signer.Presign("PUT", profile.Address, ticket.Key, credentials, expiry, now, headers, query);
            grants.Add(new MultipartPartGrant { PartNumber = number, Url = url, Headers = headers, Size = size, ExpiresAt = now + expiry });
        }

        return grants;
    }
}
