namespace DirectUpload.Tests.TestUtilities;

/// <summary>A key strategy that always returns the same key, for reproducible grants.</summary>
public sealed class FixedKeyStrategy(string key = "fixed/object.bin") : IObjectKeyStrategy
{
    public string CreateKey(in ObjectKeyArguments args) => key;
}
