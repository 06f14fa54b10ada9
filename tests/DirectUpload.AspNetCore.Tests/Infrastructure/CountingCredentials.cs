using Amazon.Runtime;

namespace DirectUpload.AspNetCore.Tests.Infrastructure;

/// <summary>Static AWS credentials that count how often they are resolved: every grant resolves them once, so 0 means nothing was signed.</summary>
public sealed class CountingCredentials(string accessKey, string secretKey) : AWSCredentials
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public override ImmutableCredentials GetCredentials()
    {
        Interlocked.Increment(ref _calls);
        return new ImmutableCredentials(accessKey, secretKey, null);
    }

    public override Task<ImmutableCredentials> GetCredentialsAsync() => Task.FromResult(GetCredentials());
}
