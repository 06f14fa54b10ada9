using Amazon.S3;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.Benchmarks;

/// <summary>
/// The setup both grant benchmarks share: the services of <see cref="BenchmarkServices"/>, the SDK client for the
/// baseline, our issuer and a request for one profile. Each subclass adds its SDK baseline and our grant.
/// </summary>
public abstract class GrantBenchmark
{
    private ServiceProvider _services = null!;
    private IUploadPolicyIssuer _issuer = null!;
    private UploadRequest _request = null!;

    protected IAmazonS3 S3 { get; private set; } = null!;

    /// <summary>The profile the grants are issued for.</summary>
    protected abstract string Profile { get; }

    [GlobalSetup]
    public void Setup()
    {
        _services = BenchmarkServices.Build();
        S3 = _services.GetRequiredService<IAmazonS3>();
        _issuer = _services.GetRequiredService<IUploadPolicyIssuer>();
        _request = BenchmarkServices.Request(Profile);

        // fail fast if either side cannot sign offline
        WarmUpBaseline();
        _ = Issue().AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>Runs the SDK baseline once.</summary>
    protected abstract void WarmUpBaseline();

    /// <summary>Our whole grant: validate, key, sign, token.</summary>
    protected ValueTask<UploadGrant> Issue() => _issuer.IssueAsync(_request);
}
