namespace DirectUpload.Internal;

/// <summary>
/// The keys of <see cref="DirectUploadOptions.TokenSigningKey"/> and <see cref="DirectUploadOptions.PreviousTokenSigningKeys"/>:
/// tokens and grant seals are made with the current one and verified with any of them.
/// </summary>
internal static class TokenKeys
{
    /// <summary>Decodes a base64 key of at least 32 bytes; <see langword="null"/> when it is not one.</summary>
    public static byte[]? Decode(string? base64)
    {
        if (string.IsNullOrWhiteSpace(base64))
        {
            return null;
        }

        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64.Trim(), buffer, out var written) && written >= 32 ? buffer[..written] : null;
    }

    /// <summary>Every key a token or seal may be verified with: the current one, then the previous ones.</summary>
    public static List<byte[]> All(DirectUploadOptions options)
    {
        var keys = new List<byte[]>(1 + options.PreviousTokenSigningKeys.Count);
        if (Decode(options.TokenSigningKey) is { } current)
        {
            keys.Add(current);
        }

        foreach (var previous in options.PreviousTokenSigningKeys)
        {
            if (Decode(previous) is { } key)
            {
                keys.Add(key);
            }
        }

        return keys;
    }
}

/// <summary>
/// The decoded current token key, decoded again only when the configured value changes. The array stays the same
/// between changes, which lets <see cref="KeyedHmac"/> keep its keyed contexts. Thread-safe.
/// </summary>
internal sealed class CurrentTokenKey
{
    private Entry? _entry;

    public byte[] Get(string? configured)
    {
        var cached = Volatile.Read(ref _entry);
        if (cached is not null && string.Equals(cached.Base64, configured, StringComparison.Ordinal))
        {
            return cached.Key;
        }

        var key = TokenKeys.Decode(configured)
            ?? throw new InvalidOperationException("DirectUploadOptions.TokenSigningKey is not set to a base64 key of at least 32 bytes.");
        Volatile.Write(ref _entry, new Entry(configured!, key));
        return key;
    }

    private sealed record Entry(string Base64, byte[] Key);
}
