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

    /// <summary>Gets the profile the grants are issued for.</summary>
    public abstract string Profile { get; }

    [GlobalSetup]
    public void Setup()
    {
        _services = BenchmarkServices.Build();
        S3 = _services.GetRequiredService<IAmazonS3>();
        _issuer = _services.GetRequiredService<IUploadPolicyIssuer>();
        _request = BenchmarkServices.Request(Profile);

        // fail fast if either side cannot sign offline
        _ = Issue().AsTask().GetAwaiter().GetResult();
        SetUpBaseline();
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    /// <summary>Prepares the baseline (after one grant was issued) and runs it once.</summary>
    protected abstract void SetUpBaseline();

    /// <summary>Our whole grant: validate, key, sign, token.</summary>
    protected ValueTask<UploadGrant> Issue() => _issuer.IssueAsync(_request);
}
