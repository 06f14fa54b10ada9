using System.Security.Cryptography;

namespace DirectUpload.Internal;

/// <summary>
/// HMAC-SHA256 with keys that are used again and again (the day's signing key, the token key). A one-shot HMAC creates a
/// context and keys it on every call, which costs more than hashing a short message; this keeps a few keyed contexts per
/// thread, found by the identity of the key array. Callers pass long-lived arrays that they never modify.
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
        var hmac = GetContext(key);
        hmac.AppendData(data);
        hmac.GetHashAndReset(mac);
    }

    private static IncrementalHash GetContext(byte[] key)
    {
        var contexts = _contexts ??= new Context[ContextsPerThread];
        foreach (var context in contexts)
        {
            if (ReferenceEquals(context.Key, key))
            {
                return context.Hmac!;
            }
        }

        // a new key (a new day, a rotated secret): replace the contexts in turn
        var index = _nextEvicted;
        _nextEvicted = (index + 1) % ContextsPerThread;
        contexts[index].Hmac?.Dispose();
        var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        contexts[index] = new Context(key, hmac);
        return hmac;
    }

    private readonly record struct Context(byte[]? Key, IncrementalHash? Hmac);
}
