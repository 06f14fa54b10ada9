using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace DirectUpload.Internal;

/// <summary>SHA-256 and HMAC-SHA256 of text, hashed as UTF-8 from a stack (or pooled) buffer: nothing allocated.</summary>
internal static class Hashing
{
    private const int StackLimit = 2048;

    [ThreadStatic]
    private static IncrementalHash? _sha256;

    /// <summary>SHA-256 of the UTF-8 encoding of <paramref name="text"/>.</summary>
    public static void Sha256OfUtf8(ReadOnlySpan<char> text, Span<byte> hash)
    {
        byte[]? rented = null;
        var length = Encoding.UTF8.GetByteCount(text);
        var bytes = length <= StackLimit ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        var written = Encoding.UTF8.GetBytes(text, bytes);
        Sha256(bytes[..written], hash);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// SHA-256 straight through OpenSSL when <see cref="NativeSha256"/> is available, else through a context kept per
    /// thread: the one-shot <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> creates and frees a native
    /// context on every call, which costs more than hashing a canonical request (a grant hashes one).
    /// </summary>
    public static void Sha256(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        if (NativeSha256.IsAvailable)
        {
            NativeSha256.Hash(data, hash);
            return;
        }

        Sha256WithIncrementalHash(data, hash);
    }

    /// <summary>The path taken when <see cref="NativeSha256"/> is not available (also for tests, which run on hosts where it is).</summary>
    internal static void Sha256WithIncrementalHash(ReadOnlySpan<byte> data, Span<byte> hash)
    {
        var sha256 = _sha256 ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        try
        {
            sha256.AppendData(data);
            sha256.GetHashAndReset(hash);
        }
        catch
        {
            // never leave a half-fed context for the next call on this thread
            _sha256 = null;
            sha256.Dispose();
            throw;
        }
    }

    /// <summary>HMAC-SHA256 of the UTF-8 encoding of <paramref name="text"/>, with a long-lived key (see <see cref="KeyedHmac"/>).</summary>
    public static void HmacOfUtf8(byte[] key, ReadOnlySpan<char> text, Span<byte> mac)
    {
        byte[]? rented = null;
        var length = Encoding.UTF8.GetByteCount(text);
        var bytes = length <= StackLimit ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length));
        var written = Encoding.UTF8.GetBytes(text, bytes);
        KeyedHmac.HashData(key, bytes[..written], mac);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
