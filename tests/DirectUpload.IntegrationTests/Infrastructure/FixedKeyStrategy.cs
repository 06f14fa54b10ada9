namespace DirectUpload.IntegrationTests.Infrastructure;

/// <summary>
/// Returns one fixed (possibly hostile) relative key. The built-in strategies sanitize file names, so this is how the
/// tests make the issuer sign keys with spaces, unicode, <c>+</c>, <c>%</c> and friends.
/// </summary>
public sealed class FixedKeyStrategy(string relativeKey) : IObjectKeyStrategy
{
    public string CreateKey(in ObjectKeyArguments args) => relativeKey;
}
