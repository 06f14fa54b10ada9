using System.Security.Cryptography;

namespace DirectUpload.Internal;

/// <summary>
/// HMAC-SHA256 with keys that are used again and again (the day's signing key, the token key). A one-shot HMAC creates a
/// context and keys it on every call, which costs more than hashing a short message; this keeps a few keyed states per
/// thread, found by the identity of the key array: OpenSSL's precomputed SHA-256 states when <see cref="NativeSha256"/>
/// is available, a keyed <see cref="IncrementalHash"/> otherwise. Callers pass long-lived arrays that they never modify.
/// </summary>
internal static class KeyedHmac
{
    private const int ContextsPerThread = 4;

    [ThreadStatic]
    private static Context[]? _contexts;

    [ThreadStatic]
    private static int _nextEvicted;

    public static void HashData(byte[] key, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        if (NativeSha256.IsAvailable)
        {
            NativeSha256.Hmac(GetContext(key, native: true).Native!, data, mac);
        }
        else
        {
            HashDataWithIncrementalHash(key, data, mac);
        }
    }

    /// <summary>The path taken when <see cref="NativeSha256"/> is not available (also for tests, which run on hosts where it is).</summary>
    internal static void HashDataWithIncrementalHash(byte[] key, ReadOnlySpan<byte> data, Span<byte> mac)
    {
        var hmac = GetContext(key, native: false).Hmac!;
        hmac.AppendData(data);
        hmac.GetHashAndReset(mac);
    }

    private static Context GetContext(byte[] key, bool native)
    {
        var contexts = _contexts ??= new Context[ContextsPerThread];
        foreach (var context in contexts)
        {
            if (ReferenceEquals(context.Key, key) && (native ? context.Native is not null : context.Hmac is not null))
            {
                return context;
            }
        }

        // a new key (a new day, a rotated secret): replace the contexts in turn
        var index = _nextEvicted;
        _nextEvicted = (index + 1) % ContextsPerThread;
        contexts[index].Hmac?.Dispose();
        contexts[index].Native?.Clear();
        contexts[index] = native
            ? new Context(key, null, NativeSha256.CreateHmacKey(key))
            : new Context(key, IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key), null);
        return contexts[index];
    }

    private readonly record struct Context(byte[]? Key, IncrementalHash? Hmac, NativeSha256.HmacKey? Native);
}
