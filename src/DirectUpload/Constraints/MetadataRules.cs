namespace DirectUpload.Internal;

/// <summary>Rules for user metadata keys and values (they travel as HTTP headers and form fields).</summary>
internal static class MetadataRules
{
    public const int MaxMetadataBytes = 2048;

    /// <summary>
    /// The size S3 counts against its 2 KB limit of user metadata: the bytes of every name (without <c>x-amz-meta-</c>) and
    /// value. Names and values are ASCII here (checked before), so characters are bytes.
    /// </summary>
    public static int ByteCount(IReadOnlyList<KeyValuePair<string, string>> metadata)
    {
        var bytes = 0;
        foreach (var (key, value) in metadata)
        {
            bytes += key.Length + value.Length;
        }

        return bytes;
    }

    public static bool IsValidKey(string? key) =>
        !string.IsNullOrEmpty(key) && key.Length <= 128 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static bool IsValidValue(string? value) =>
        value is not null && value.Length <= 1024 && value.All(c => c is >= ' ' and <= '~') && value.Trim().Length == value.Length;

    /// <summary>
    /// Merges the profile's metadata with the client's (only allowed keys, valid values, none overriding the profile's,
    /// the grant seal's name reserved), lower-cased and sorted by name, at most <see cref="MaxMetadataBytes"/> in all.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Merge(string name, UploadProfileOptions profile, IReadOnlyDictionary<string, string>? client)
    {
        var count = profile.Metadata.Count + (client?.Count ?? 0);
        if (count == 0)
        {
            return Array.Empty<KeyValuePair<string, string>>();
        }

        var merged = new List<KeyValuePair<string, string>>(count);
        foreach (var pair in profile.Metadata)
        {
            if (string.Equals(pair.Key, GrantSeal.MetadataKey, StringComparison.OrdinalIgnoreCase))
            {
                throw Reject(UploadRejectionReason.MetadataNotAllowed, $"The metadata key '{GrantSeal.MetadataKey}' is reserved by DirectUpload.");
            }

            merged.Add(new(pair.Key.ToLowerInvariant(), pair.Value));
        }

        if (client is not null)
        {
            foreach (var (key, value) in client)
            {
                if (string.Equals(key, GrantSeal.MetadataKey, StringComparison.OrdinalIgnoreCase))
                {
                    throw Reject(UploadRejectionReason.MetadataNotAllowed, $"The metadata key '{GrantSeal.MetadataKey}' is reserved by DirectUpload.");
                }

                if (!IsAllowedMetadataKey(profile.AllowedMetadataKeys, key))
                {
                    throw Reject(UploadRejectionReason.MetadataNotAllowed, $"Profile '{name}' does not allow the metadata key '{Truncate(key)}'.");
                }

                if (!IsValidValue(value))
                {
                    throw Reject(UploadRejectionReason.MetadataNotAllowed, $"The value of metadata key '{key}' must be at most 1024 printable ASCII characters.");
                }

                var lower = key.ToLowerInvariant();
                if (merged.Exists(m => m.Key == lower))
                {
                    throw Reject(UploadRejectionReason.MetadataNotAllowed, $"The metadata key '{key}' is set by profile '{name}' and cannot be overridden.");
                }

                merged.Add(new(lower, value));
            }
        }

        if (ByteCount(merged) > MaxMetadataBytes)
        {
            throw Reject(UploadRejectionReason.MetadataNotAllowed, $"The metadata is larger than {MaxMetadataBytes} bytes.");
        }

        merged.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return merged;
    }

    private static bool IsAllowedMetadataKey(ICollection<string> allowed, string key)
    {
        foreach (var candidate in allowed)
        {
            if (string.Equals(candidate, key, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";

    private static UploadRejectedException Reject(UploadRejectionReason reason, string message) => new(reason, message);
}
