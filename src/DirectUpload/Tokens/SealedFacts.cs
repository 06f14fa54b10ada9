using System.Text.Json.Serialization;

namespace DirectUpload.Internal;

/// <summary>What a grant vouched for, as sealed into the object's metadata (one-letter names keep it small).</summary>
internal sealed class SealedFacts
{
    /// <summary>Gets or sets the format version: 1 (a seal of its own), or 2 (a seal that shares its MAC with the grant's token).</summary>
    public int V { get; set; } = 1;

    /// <summary>Gets or sets the bucket (version 2 only: its MAC binds the key, and the bucket through these facts).</summary>
    public string? B { get; set; }

    /// <summary>Gets or sets the profile name.</summary>
    public string P { get; set; } = string.Empty;

    /// <summary>Gets or sets the owner id.</summary>
    public string? O { get; set; }

    /// <summary>Gets or sets the declared size.</summary>
    public long S { get; set; }

    /// <summary>Gets or sets the granted content type.</summary>
    public string T { get; set; } = string.Empty;

    /// <summary>Gets or sets when the grant's token stops being accepted, in Unix seconds (version 2 only).</summary>
    public long? E { get; set; }

    /// <summary>Gets or sets the granted Content-MD5 (base64).</summary>
    public string? M { get; set; }

    /// <summary>Gets or sets whether the grant was a multipart upload.</summary>
    public bool? U { get; set; }

    /// <summary>Gets or sets the digest of the granted metadata (<see cref="StoredObjectCheck.MetadataDigest"/>, the seal itself excluded).</summary>
    public string? D { get; set; }

    /// <summary>The facts as the ticket the stored-object verifier compares with (an event has no token).</summary>
    public UploadTicket ToTicket(string key) => new()
    {
        Profile = P,
        Key = key,
        OwnerId = O,
        Size = S,
        ContentType = T,
        ContentMd5 = U == true ? null : M,
        MetadataDigest = D,
        UploadId = U == true ? "(event)" : null, // multipart: the ETag is not an MD5
        ExpiresAt = DateTimeOffset.MaxValue,
    };
}
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SealedFacts))]
internal sealed partial class SealJsonContext : JsonSerializerContext
{
}
