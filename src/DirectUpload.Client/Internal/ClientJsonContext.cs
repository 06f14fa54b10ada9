using System.Text.Json;
using System.Text.Json.Serialization;

namespace DirectUpload.Client.Internal;

/// <summary>Source-generated JSON metadata (trimming- and AOT-safe) for every body the client sends or reads.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(UploadRequest))]
[JsonSerializable(typeof(UploadGrant))]
[JsonSerializable(typeof(MultipartSession))]
[JsonSerializable(typeof(UploadResult))]
[JsonSerializable(typeof(TokenBody))]
[JsonSerializable(typeof(SignPartsBody))]
[JsonSerializable(typeof(SignedPartsResponse))]
[JsonSerializable(typeof(ListedPartsResponse))]
[JsonSerializable(typeof(CompleteMultipartBody))]
[JsonSerializable(typeof(ProblemBody))]
internal sealed partial class ClientJsonContext : JsonSerializerContext;

/// <summary>The body of a confirmation: <c>{token}</c>.</summary>
internal sealed record TokenBody(string Token);

/// <summary>The body of a part-signing call: <c>{token, partNumbers, contentMd5?: {"1": base64}}</c>.</summary>
internal sealed record SignPartsBody(string Token, IReadOnlyList<int> PartNumbers, IReadOnlyDictionary<string, string>? ContentMd5 = null);

/// <summary>The answer of a part-signing call: <c>{parts:[{partNumber, url, headers, size}]}</c>.</summary>
internal sealed record SignedPartsResponse(IReadOnlyList<MultipartPartGrant>? Parts);

/// <summary>The answer of a part listing: <c>{parts:[{partNumber, size, etag}]}</c>.</summary>
internal sealed record ListedPartsResponse(IReadOnlyList<UploadedPart>? Parts);

/// <summary>The body of a multipart completion: <c>{token, parts:[{partNumber, etag}]}</c>.</summary>
internal sealed record CompleteMultipartBody(string Token, IReadOnlyList<PartETag> Parts);

/// <summary>The members of an RFC 9457 problem the client reads; <c>code</c> is DirectUpload's extension member.</summary>
internal sealed record ProblemBody(string? Type, string? Title, int? Status, string? Detail, string? Code);
