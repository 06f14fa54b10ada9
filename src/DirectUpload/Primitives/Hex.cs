namespace DirectUpload.Internal;

/// <summary>Upper-case hex digits, for percent-encoding (SigV4) and <c>\u00XX</c> escapes (JSON). Lower-case hex of hashes is <see cref="Convert.ToHexStringLower(byte[])"/>.</summary>
internal static class Hex
{
    private const string UpperDigits = "0123456789ABCDEF";

    /// <summary>The upper-case hex digit of a value from 0 to 15.</summary>
    public static char Upper(int nibble) => UpperDigits[nibble];
}
