using Amazon.S3;
using Amazon.S3.Model;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.Benchmarks;

/// <summary>
/// A presigned POST policy: the AWS SDK's <see cref="IAmazonS3.CreatePresignedPost"/> with the conditions an SDK user
/// would add for the same constraints (the baseline) against our whole POST grant.
/// </summary>
[MemoryDiagnoser]
public class PostGrantBenchmark
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
        _request = BenchmarkServices.Request(BenchmarkServices.PostProfile);

        _ = Sdk();
        _ = DirectUpload().AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _services.Dispose();

    [Benchmark(Baseline = true, Description = "SDK CreatePresignedPost")]
    public CreatePresignedPostResponse Sdk() => _s3.CreatePresignedPost(new CreatePresignedPostRequest
    {
        BucketName = BenchmarkServices.Bucket,
        Key = BenchmarkServices.SampleKey,
        Expires = DateTime.UtcNow.Add(BenchmarkServices.Expiry),
        Fields = new Dictionary<string, string> { ["Content-Type"] = BenchmarkServices.ContentType },
        Conditions = new List<S3PostCondition>
        {
            S3PostCondition.ExactMatch("Content-Type", BenchmarkServices.ContentType),
            S3PostCondition.ContentLengthRange(BenchmarkServices.MinSize, BenchmarkServices.MaxSize),
        },
    });

    [Benchmark(Description = "DirectUpload POST grant")]
    public ValueTask<UploadGrant> DirectUpload() => _issuer.IssueAsync(_request);
}
