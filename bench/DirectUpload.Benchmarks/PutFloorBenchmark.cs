using System.Globalization;
using BenchmarkDotNet.Attributes;

namespace DirectUpload.Benchmarks;

/// <summary>
/// The full PUT grant against <see cref="SigV4PresignFloor"/>, a hand-written span-based presign of the same URL (the
/// baseline): what validation, the key, the seal, the token and the rest of the pipeline cost on top of signing alone.
/// </summary>
[MemoryDiagnoser]
public class PutFloorBenchmark : GrantBenchmark
{
    private SigV4PresignFloor _floor = null!;
    private string _key = null!;

    public override string Profile => BenchmarkServices.PutProfile;

    [Benchmark(Baseline = true, Description = "span-based SigV4 presign (floor)")]
    public string Floor() => _floor.Presign(_key, TimeProvider.System.GetUtcNow());

    [Benchmark(Description = "DirectUpload PUT grant")]
    public ValueTask<UploadGrant> DirectUpload() => Issue();

    /// <summary>Builds the floor from a real grant (host, path, signed headers and values, expiry) and checks that it signs that grant's URL byte for byte.</summary>
    protected override void SetUpBaseline()
    {
        var grant = Issue().AsTask().GetAwaiter().GetResult();
        var url = grant.Url;
        var uri = new Uri(url);
        var origin = new Uri(uri.GetLeftPart(UriPartial.Authority));
        var path = url[origin.GetLeftPart(UriPartial.Authority).Length..url.IndexOf('?', StringComparison.Ordinal)];
        if (!path.EndsWith(grant.Key, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The grant's path {path} does not end with its key {grant.Key} unencoded; pick a sample key that needs no encoding.");
        }

        var query = System.Web.HttpUtility.ParseQueryString(uri.Query);
        var signedAt = DateTimeOffset.ParseExact(query["X-Amz-Date"]!, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var expiry = TimeSpan.FromSeconds(int.Parse(query["X-Amz-Expires"]!, CultureInfo.InvariantCulture));
        _floor = new SigV4PresignFloor(BenchmarkServices.AccessKey, BenchmarkServices.SecretKey, "us-east-1", origin, path[..^grant.Key.Length], grant.Headers, expiry);
        _key = grant.Key;

        var floorUrl = _floor.Presign(grant.Key, signedAt);
        if (!string.Equals(floorUrl, url, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The floor does not sign the grant's URL.\ngrant: {url}\nfloor: {floorUrl}");
        }

        _ = Floor();
    }
}
