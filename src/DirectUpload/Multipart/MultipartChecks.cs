using Amazon.S3.Model;
using DirectUpload.Internal;

namespace DirectUpload.S3.Internal;

/// <summary>
/// The checks of a multipart call's own input, before the store is asked to do anything: a chosen part size, the part
/// numbers to sign, the parts to complete with and what the store holds of them. Each failure is an
/// <see cref="UploadRejectedException"/>; the caller logs and counts it.
/// </summary>
internal static class MultipartChecks
{
    /// <summary>A part size the client chose must fit S3's limits for this total size.</summary>
    public static void ChosenPartSize(long? chosen, long size)
    {
        if (chosen is not { } partSize)
        {
            return;
        }

        var fitsOnePart = size <= partSize;
        if (partSize > UploadProfileOptions.MaxPartSizeBytes
            || (partSize < UploadProfileOptions.MinPartSizeBytes && !fitsOnePart)
            || partSize <= 0
            || (size + partSize - 1) / partSize > UploadProfileOptions.MaxPartCount)
        {
            throw new UploadRejectedException(
                UploadRejectionReason.InvalidSize,
                $"A part size of {partSize} bytes does not fit a multipart upload of {size} bytes (5 MiB to 5 GiB per part, at most {UploadProfileOptions.MaxPartCount} parts).");
        }
    }

    /// <summary>The part numbers to sign: 1 to the profile's cap of them, each in the layout once, with valid MD5s where given.</summary>
    public static IReadOnlyList<int> PartNumbers(MultipartPartsRequest request, ResolvedProfile resolved, MultipartLayout layout)
    {
        var profile = resolved.Options;
        var numbers = request.PartNumbers ?? throw Reject(UploadRejectionReason.InvalidPartNumber, "No part numbers were given.");
        if (numbers.Count == 0 || numbers.Count > profile.MaxPartUrlsPerRequest)
        {
            throw Reject(UploadRejectionReason.InvalidPartNumber, $"Ask for 1 to {profile.MaxPartUrlsPerRequest} parts at a time.");
        }

        var seen = new HashSet<int>();
        foreach (var number in numbers)
        {
            if (number < 1 || number > layout.PartCount || !seen.Add(number))
            {
                throw Reject(UploadRejectionReason.InvalidPartNumber, $"Part number {number} is outside 1..{layout.PartCount} or repeated.");
            }
        }

        if (request.ContentMd5 is { } md5s)
        {
            foreach (var (number, md5) in md5s)
            {
                if (!seen.Contains(number) || !ContentMd5.IsValid(md5))
                {
                    throw Reject(UploadRejectionReason.InvalidContentMd5, $"The Content-MD5 of part {number} is not a requested part's base64 MD5.");
                }
            }
        }

        if (profile.RequireContentMd5 && numbers.FirstOrDefault(n => request.ContentMd5?.ContainsKey(n) != true) is var unhashed and > 0)
        {
            // the profile's Content-MD5 requirement holds for every part: the store then checks each part's bytes
            throw Reject(UploadRejectionReason.ContentMd5Required, $"Profile '{resolved.Name}' requires a Content-MD5 for every part; part {unhashed} has none.");
        }

        return numbers;
    }

    /// <summary>The parts to complete with: every part of the layout once, each with an ETag; sorted by number.</summary>
    public static List<PartETag> GivenParts(MultipartCompleteRequest request, MultipartLayout layout)
    {
        var given = request.Parts ?? throw Reject(UploadRejectionReason.InvalidParts, "No parts were given.");
        if (given.Count != layout.PartCount)
        {
            throw Reject(UploadRejectionReason.InvalidParts, $"The upload has {layout.PartCount} parts; {given.Count} were given.");
        }

        var sorted = given.OrderBy(p => p.PartNumber).ToList();
        for (var i = 0; i < sorted.Count; i++)
        {
            if (sorted[i].PartNumber != i + 1 || string.IsNullOrWhiteSpace(sorted[i].ETag) || sorted[i].ETag.Length > 128)
            {
                throw Reject(UploadRejectionReason.InvalidParts, "Every part from 1 to the part count must be given once, with its ETag.");
            }
        }

        return sorted;
    }

    /// <summary>
    /// Every given part must be in the store with exactly its expected size (each URL signed that size, so this holds
    /// unless a part is missing) and the given ETag; checked before completing, so a bad upload can still be resumed.
    /// </summary>
    public static void StoredParts(List<PartETag> given, List<PartDetail> stored, MultipartLayout layout)
    {
        var storedByNumber = stored.ToDictionary(p => p.PartNumber ?? 0);
        foreach (var part in given)
        {
            if (!storedByNumber.TryGetValue(part.PartNumber, out var s))
            {
                throw Reject(UploadRejectionReason.InvalidParts, $"Part {part.PartNumber} has not been uploaded.");
            }

            if (s.Size != layout.SizeOf(part.PartNumber))
            {
                throw Reject(UploadRejectionReason.SizeMismatch, $"Part {part.PartNumber} has {s.Size} bytes; {layout.SizeOf(part.PartNumber)} were expected.");
            }

            if (!string.Equals(ContentMd5.UnquoteETag(s.ETag), ContentMd5.UnquoteETag(part.ETag), StringComparison.Ordinal))
            {
                throw Reject(UploadRejectionReason.InvalidParts, $"The ETag given for part {part.PartNumber} does not match the stored part.");
            }
        }
    }

    private static UploadRejectedException Reject(UploadRejectionReason reason, string message) => new(reason, message);
}
