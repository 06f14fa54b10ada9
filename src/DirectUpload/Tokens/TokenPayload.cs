namespace DirectUpload.Internal;

internal sealed class TokenPayload
{
    public int V { get; set; } = 1;

    public string P { get; set; } = string.Empty;

    public string K { get; set; } = string.Empty;

    public string? O { get; set; }

    public long S { get; set; }

    public string T { get; set; } = string.Empty;

    public long E { get; set; }

    public string? U { get; set; }

    public long? Z { get; set; }

    public string? M { get; set; }

    public string? D { get; set; }
}
[System.Text.Json.Serialization.JsonSourceGenerationOptions(DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(TokenPayload))]
internal sealed partial class TokenJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
