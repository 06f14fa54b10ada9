using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

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
    /// <summary>
    /// The endpoints' JSON options: the Web defaults, strict numbers, no trailing commas, depth 16. The endpoints' own
    /// bodies and answers resolve through <see cref="EndpointJsonContext"/> (source-generated, with the same settings, so
    /// System.Text.Json takes its fast path); anything else falls back to reflection.
    /// </summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,

        // the Web defaults read "1234" as a number; the contract's numbers are JSON numbers
        NumberHandling = JsonNumberHandling.Strict,
        AllowTrailingCommas = false,
        MaxDepth = 16,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(EndpointJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };

    /// <summary>The metadata of <typeparamref name="T"/> under <see cref="Options"/>, looked up once.</summary>
    public static JsonTypeInfo<T> Info<T>() => TypeInfoCache<T>.Value;

    private static class TypeInfoCache<T>
    {
        public static readonly JsonTypeInfo<T> Value = (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
    }
}

/// <summary>Source-generated metadata of the endpoints' bodies and answers, generated with the settings of <see cref="Json.Options"/>.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    NumberHandling = JsonNumberHandling.Strict,
    AllowTrailingCommas = false,
    MaxDepth = 16)]
[JsonSerializable(typeof(GrantRequestBody))]
[JsonSerializable(typeof(TokenBody))]
[JsonSerializable(typeof(PartsBody))]
[JsonSerializable(typeof(CompleteBody))]
[JsonSerializable(typeof(UploadGrant))]
[JsonSerializable(typeof(UploadedObjectResponse))]
[JsonSerializable(typeof(MultipartStartResponse))]
[JsonSerializable(typeof(PartsResponse<PartGrantResponse>))]
[JsonSerializable(typeof(PartsResponse<UploadedPartResponse>))]
[JsonSerializable(typeof(DownloadResponse))]
internal sealed partial class EndpointJsonContext : JsonSerializerContext;
