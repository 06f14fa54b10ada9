using Amazon.Runtime;

namespace DirectUpload.Testing;

/// <summary>
/// Static AWS credentials that count how often they are resolved. Every grant resolves them once, so a count of 0 is the
/// spy for "nothing was signed".
/// </summary>
public sealed class CountingCredentials(string accessKey, string secretKey, string? sessionToken = null) : AWSCredentials
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public override ImmutableCredentials GetCredentials()
    {
        Interlocked.Increment(ref _calls);
        return new ImmutableCredentials(accessKey, secretKey, sessionToken);
    }

    public override Task<ImmutableCredentials> GetCredentialsAsync() => Task.FromResult(GetCredentials());
}
