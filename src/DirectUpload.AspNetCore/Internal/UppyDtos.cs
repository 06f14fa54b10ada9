using System.Text.Json;
using System.Text.Json.Serialization;

namespace DirectUpload.AspNetCore.Internal;

/// <summary>Uppy's <c>POST /s3/multipart</c> body: <c>{filename, type, metadata}</c> (no size: the page puts it into the metadata).</summary>
internal sealed class UppyCreateBody
{
    public string? Filename { get; set; }

    public string? Type { get; set; }

    public Dictionary<string, JsonElement>? Metadata { get; set; }
}

/// <summary>Uppy's completion body: <c>{parts: [{PartNumber, ETag}]}</c>.</summary>
internal sealed class UppyCompleteBody
{
    public List<UppyCompletePart>? Parts { get; set; }
}

internal sealed class UppyCompletePart
{
    [JsonPropertyName("PartNumber")]
    public int PartNumber { get; set; }

    [JsonPropertyName("ETag")]
    public string? ETag { get; set; }
}

/// <summary><c>{key, uploadId}</c>: the uploadId is DirectUpload's signed multipart token, opaque to Uppy.</summary>
internal sealed record UppyCreateResponse(string Key, string UploadId);

/// <summary><c>{url, expires}</c>: <c>expires</c> in seconds, as Companion answers.</summary>
internal sealed record UppySignedPartResponse(string Url, long Expires);

/// <summary>One received part, in the PascalCase of S3's ListParts that Uppy reads.</summary>
internal sealed record UppyPartResponse(
    [property: JsonPropertyName("PartNumber")] int PartNumber,
    [property: JsonPropertyName("ETag")] string ETag,
    [property: JsonPropertyName("Size")] long Size);

/// <summary><c>{location, key}</c> of the completed object (<c>location</c> is the key: the bucket's address is not the client's business).</summary>
internal sealed record UppyCompleteResponse(string Location, string Key);

/// <summary><c>{method: "POST", url, fields, expires}</c>: a presigned POST policy.</summary>
internal sealed record UppyParamsResponse(string Method, string Url, IReadOnlyDictionary<string, string> Fields, long Expires);
