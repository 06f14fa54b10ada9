using Amazon.S3;
using Amazon.S3.Model;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.Benchmarks;

/// <summary>
/// A presigned PUT: the AWS SDK's <see cref="IAmazonS3.GetPreSignedURL"/> for a known key (the baseline) against our whole
/// grant (validate the request, build and check the key, sign content type and length, create the confirmation token).
/// </summary>
[MemoryDiagnoser]
public class PutGrantBenchmark
{
    private ServiceProvider _services = null!;
    private IAmazonS3 _s3 = null!;
    private IUploadPolicyIssuer _issuer = null!;
    private UploadRequest _request = null!;

    [GlobalSetup]
    public void Setup()
    {
        _services = BenchmarkServices.Build();
        _s3 = _services.GetRequiredService<IAmazonS3>();
        _issuer = _services.GetRequiredService<IUploadPolicyIssuer>();
        _request = BenchmarkServices.Request(BenchmarkServices.PutProfile);

        // fail fast if either side cannot sign offline
        _ = Sdk();
        _ = DirectUpload().AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, Description = "SDK GetPreSignedURL (PUT)")]
    public string Sdk() => _s3.GetPreSignedURL(new GetPreSignedUrlRequest
    {
        BucketName = BenchmarkServices.Bucket,
        Key = BenchmarkServices.SampleKey,
        Verb = HttpVerb.PUT,
        ContentType = BenchmarkServices.ContentType,
        Expires = DateTime.UtcNow.Add(BenchmarkServices.Expiry),
    });

    [Benchmark(Description = "DirectUpload PUT grant")]
    public ValueTask<UploadGrant> DirectUpload() => _issuer.IssueAsync(_request);
}
