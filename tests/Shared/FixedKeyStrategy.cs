namespace DirectUpload.Testing;

/// <summary>
/// A key strategy that always returns the same (possibly hostile) relative key: reproducible grants in unit tests, and
/// keys with spaces, unicode, <c>+</c> or <c>%</c> that the built-in strategies would sanitize away in integration tests.
/// </summary>
public sealed class FixedKeyStrategy(string key = "fixed/object.bin") : IObjectKeyStrategy
{
    public string CreateKey(in ObjectKeyArguments args) => key;
}
