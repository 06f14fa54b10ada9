namespace DirectUpload.Internal;

/// <summary>A dead letter: an upload whose processing gave up.</summary>
internal sealed class DeadLetter
{
    public string Bucket { get; set; } = string.Empty;

    public string Key { get; set; } = string.Empty;

    public string Profile { get; set; } = string.Empty;

    public string ETag { get; set; } = string.Empty;

    public int Deliveries { get; set; }

    public string Error { get; set; } = string.Empty;

    public string At { get; set; } = string.Empty;
}
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(DeadLetter))]
internal sealed partial class DeadLetterJsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
