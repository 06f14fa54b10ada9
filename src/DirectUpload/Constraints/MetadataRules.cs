namespace DirectUpload.Internal;

/// <summary>Rules for user metadata keys and values (they travel as HTTP headers and form fields).</summary>
internal static class MetadataRules
{
    public static bool IsValidKey(string? key) =>
        !string.IsNullOrEmpty(key) && key.Length <= 128 && key.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    public static bool IsValidValue(string? value) =>
        value is not null && value.Length <= 1024 && value.All(c => c is >= ' ' and <= '~') && value.Trim().Length == value.Length;
}
