using System.Text.Json;
using System.Text.Json.Serialization;

namespace DirectUpload.AspNetCore.Internal;

internal sealed class GrantRequestBody
{
    public string? FileName { get; set; }

    public string? ContentType { get; set; }

    public long? Size { get; set; }

    public string? Md5 { get; set; }

    public Dictionary<string, string>? Metadata { get; set; }
}

internal sealed class TokenBody
{
    public string? Token { get; set; }
}

internal sealed class PartsBody
{
    public string? Token { get; set; }

    public List<int>? PartNumbers { get; set; }

    public Dictionary<string, string>? ContentMd5 { get; set; }
}

internal sealed class CompleteBody
{
    public string? Token { get; set; }

    public List<CompletePart>? Parts { get; set; }
}

internal sealed class CompletePart
{
    public int PartNumber { get; set; }

    [JsonPropertyName("etag")]
    public string? ETag { get; set; }
}

// "etag", as in the HTTP contract: the camelCase policy alone would write "eTag"
internal sealed record UploadedObjectResponse(string Key, long Size, string ContentType, [property: JsonPropertyName("etag")] string ETag);

internal sealed record MultipartStartResponse(string UploadId, string Key, long PartSize, int PartCount, string Token, DateTimeOffset ExpiresAt);

internal sealed record PartGrantResponse(int PartNumber, string Url, IReadOnlyDictionary<string, string> Headers, long Size, DateTimeOffset ExpiresAt);

internal sealed record PartsResponse<T>(IReadOnlyList<T> Parts);

internal sealed record UploadedPartResponse(int PartNumber, long Size, [property: JsonPropertyName("etag")] string ETag);

internal sealed record DownloadResponse(string Url, DateTimeOffset ExpiresAt, string ContentDisposition);

internal static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,

        // the Web defaults read "1234" as a number; the contract's numbers are JSON numbers
        NumberHandling = JsonNumberHandling.Strict,
        AllowTrailingCommas = false,
        MaxDepth = 16,
    };
}
