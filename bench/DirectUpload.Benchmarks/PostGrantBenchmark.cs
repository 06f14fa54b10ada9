using Amazon.S3;
using Amazon.S3.Model;
using BenchmarkDotNet.Attributes;

namespace DirectUpload.Benchmarks;

/// <summary>
/// A presigned POST policy: the AWS SDK's <see cref="IAmazonS3.CreatePresignedPost"/> with the conditions an SDK user
/// would add for the same constraints (the baseline) against our whole POST grant.
/// </summary>
[MemoryDiagnoser]
public class PostGrantBenchmark : GrantBenchmark
{
    public override string Profile => BenchmarkServices.PostProfile;

    [Benchmark(Baseline = true, Description = "SDK CreatePresignedPost")]
    public CreatePresignedPostResponse Sdk() => S3.CreatePresignedPost(new CreatePresignedPostRequest
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
    public ValueTask<UploadGrant> DirectUpload() => Issue();

    protected override void SetUpBaseline() => _ = Sdk();
}
