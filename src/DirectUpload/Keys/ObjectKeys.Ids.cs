using System.Buffers.Binary;
using System.Security.Cryptography;

namespace DirectUpload;

/// <summary>The time-ordered random ids of <see cref="RandomKeyStrategy"/> (the default key), and file-name extensions.</summary>
public static partial class ObjectKeys
{
    private const string Crockford = "0123456789abcdefghjkmnpqrstvwxyz";
    private const int IdLength = 26;
    private const int MaxExtensionLength = 10;
    private const int RandomBlockSize = 256;

    [ThreadStatic]
    private static byte[]? _randomBlock;

    [ThreadStatic]
    private static int _randomAvailable;

    /// <summary>
    /// Creates a 26-character, lower-case, URL-safe id that sorts by time: 48 bits of Unix milliseconds then 80 random bits.
    /// </summary>
    /// <param name="timestamp">The instant to encode.</param>
    /// <returns>The id.</returns>
    public static string NewId(DateTimeOffset timestamp)
    {
        var (hi, lo) = NewIdBits(timestamp);
        return string.Create(IdLength, (hi, lo), static (chars, bits) => WriteId(chars, bits.hi, bits.lo));
    }

    /// <summary>Gets the lower-cased extension of a file name when it is 1–10 ASCII letters or digits, else the empty string.</summary>
    /// <param name="fileName">The file name (untrusted).</param>
    /// <returns>The extension without its dot, or the empty string.</returns>
    public static string GetExtension(string? fileName)
    {
        var extension = ExtensionOf(fileName);
        if (extension.IsEmpty)
        {
            return string.Empty;
        }

        Span<char> lower = stackalloc char[MaxExtensionLength];
        var length = extension.ToLowerInvariant(lower);
        return new string(lower[..length]);
    }

    /// <summary>
    /// Creates <paramref name="prefix"/> followed by what <see cref="RandomKeyStrategy"/> creates (<see cref="NewId"/>, then
    /// <c>.</c> and <see cref="GetExtension"/> when there is one), as one string.
    /// </summary>
    internal static string CreateRandomKey(string prefix, DateTimeOffset timestamp, string? fileName)
    {
        var (hi, lo) = NewIdBits(timestamp);
        var extension = ExtensionOf(fileName);
        var length = prefix.Length + IdLength + (extension.IsEmpty ? 0 : extension.Length + 1);
        var extensionStart = extension.IsEmpty ? 0 : fileName!.Length - extension.Length;
        return string.Create(length, (prefix, hi, lo, fileName, extensionStart), static (chars, state) =>
        {
            state.prefix.CopyTo(chars);
            WriteId(chars.Slice(state.prefix.Length, IdLength), state.hi, state.lo);
            var rest = chars[(state.prefix.Length + IdLength)..];
            if (!rest.IsEmpty)
            {
                rest[0] = '.';
                state.fileName.AsSpan(state.extensionStart).ToLowerInvariant(rest[1..]);
            }
        });
    }

    /// <summary>The extension of a file name when it is 1–10 ASCII letters or digits (as written), else empty.</summary>
    private static ReadOnlySpan<char> ExtensionOf(string? fileName)
    {
        if (string.IsNullOrEmpty(fileName))
        {
            return default;
        }

        var dot = fileName.LastIndexOf('.');
        if (dot <= 0 || dot == fileName.Length - 1)
        {
            return default;
        }

        var extension = fileName.AsSpan(dot + 1);
        if (extension.Length > MaxExtensionLength)
        {
            return default;
        }

        foreach (var c in extension)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return default;
            }
        }

        return extension;
    }

    /// <summary>48 bits of Unix milliseconds then 80 random bits, as two 64-bit halves.</summary>
    private static (ulong Hi, ulong Lo) NewIdBits(DateTimeOffset timestamp)
    {
        Span<byte> random = stackalloc byte[10];
        FillRandom(random);
        var ms = (ulong)Math.Max(0, timestamp.ToUnixTimeMilliseconds());
        var hi = (ms << 16) | ((ulong)random[0] << 8) | random[1];
        var lo = BinaryPrimitives.ReadUInt64BigEndian(random[2..]);
        return (hi, lo);
    }

    /// <summary>
    /// Fills a few bytes from the cryptographic random generator. Each call to it has a fixed cost well above that of ten
    /// bytes, so the bytes come from a per-thread block of its output, refilled when used up; used bytes are wiped.
    /// </summary>
    private static void FillRandom(Span<byte> destination)
    {
        var block = _randomBlock ??= new byte[RandomBlockSize];
        if (_randomAvailable < destination.Length)
        {
            RandomNumberGenerator.Fill(block);
            _randomAvailable = block.Length;
        }

        var bytes = block.AsSpan(block.Length - _randomAvailable, destination.Length);
        bytes.CopyTo(destination);
        bytes.Clear();
        _randomAvailable -= destination.Length;
    }

    /// <summary>128 bits as 26 Crockford base32 digits (the first carries 3 bits), as in ULID.</summary>
    private static void WriteId(Span<char> chars, ulong hi, ulong lo)
    {
        for (var i = IdLength - 1; i >= 0; i--)
        {
            chars[i] = Crockford[(int)(lo & 31)];
            lo = (lo >> 5) | (hi << 59);
            hi >>= 5;
        }
    }
}
