using Amazon.S3;
using Amazon.S3.Model;
using BenchmarkDotNet.Attributes;

namespace DirectUpload.Benchmarks;

/// <summary>
/// A presigned PUT: the AWS SDK's <see cref="IAmazonS3.GetPreSignedURL"/> for a known key (the baseline) against our whole
/// grant (validate the request, build and check the key, sign content type and length, create the confirmation token).
/// </summary>
[MemoryDiagnoser]
public class PutGrantBenchmark : GrantBenchmark
{
    public override string Profile => BenchmarkServices.PutProfile;

    [Benchmark(Baseline = true, Description = "SDK GetPreSignedURL (PUT)")]
    public string Sdk() => S3.GetPreSignedURL(new GetPreSignedUrlRequest
    {
        BucketName = BenchmarkServices.Bucket,
        Key = BenchmarkServices.SampleKey,
        Verb = HttpVerb.PUT,
        ContentType = BenchmarkServices.ContentType,
        Expires = DateTime.UtcNow.Add(BenchmarkServices.Expiry),
    });

    [Benchmark(Description = "DirectUpload PUT grant")]
    public ValueTask<UploadGrant> DirectUpload() => Issue();

    protected override void SetUpBaseline() => _ = Sdk();
}
