using System.Security.Cryptography;
using System.Text;
using System.Web;

namespace DirectUpload.IntegrationTests.Infrastructure;

/// <summary>Small bodies, digests and URL surgery for the tests.</summary>
public static class TestData
{
    public static byte[] Bytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    /// <summary>The Content-MD5 value of a body (S3 verifies MD5, so the test must compute it).</summary>
#pragma warning disable CA5351 // MD5 is what S3's Content-MD5 is made of; no security rests on it here
    public static string Md5(byte[] body) => Convert.ToBase64String(MD5.HashData(body));
#pragma warning restore CA5351

    /// <summary>The value of one query parameter of a presigned URL, decoded.</summary>
    public static string QueryValue(string url, string name) =>
        HttpUtility.ParseQueryString(new Uri(url).Query)[name] ?? throw new InvalidOperationException($"{name} is not in the URL.");

    /// <summary>Replaces the (already encoded) value of one query parameter.</summary>
    public static string WithQueryValue(string url, string name, string encodedValue)
    {
        var marker = name + "=";
        var start = url.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
        {
            throw new InvalidOperationException($"{name} is not in the URL.");
        }

        start += marker.Length;
        var end = url.IndexOf('&', start);
        return string.Concat(url.AsSpan(0, start), encodedValue, end < 0 ? string.Empty : url[end..]);
    }

    /// <summary>Flips the last hex digit of a signature.</summary>
    public static string Tamper(string hexSignature) =>
        string.Concat(hexSignature.AsSpan(0, hexSignature.Length - 1), hexSignature[^1] == '0' ? "1" : "0");

    public static string Utf8Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public static string FromBase64Utf8(string base64) => Encoding.UTF8.GetString(Convert.FromBase64String(base64));

    /// <summary>The grant's fields as an ordered, editable list.</summary>
    public static List<KeyValuePair<string, string>> EditableFields(UploadGrant grant) => [.. grant.Fields];

    public static List<KeyValuePair<string, string>> With(this List<KeyValuePair<string, string>> fields, string name, string value)
    {
        var i = fields.FindIndex(f => f.Key.Equals(name, StringComparison.OrdinalIgnoreCase));
        if (i < 0)
        {
            throw new InvalidOperationException($"The grant has no field '{name}'.");
        }

        fields[i] = new(fields[i].Key, value);
        return fields;
    }

    public static List<KeyValuePair<string, string>> Without(this List<KeyValuePair<string, string>> fields, string name)
    {
        fields.RemoveAll(f => f.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Should().Be(1, $"the grant has a field '{name}'");
        return fields;
    }

    /// <summary>Adds a field before the policy/signature (where a browser form would carry an injected input).</summary>
    public static List<KeyValuePair<string, string>> Adding(this List<KeyValuePair<string, string>> fields, string name, string value)
    {
        fields.Insert(0, new(name, value));
        return fields;
    }
}
