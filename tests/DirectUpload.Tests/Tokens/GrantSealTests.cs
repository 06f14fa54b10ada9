using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DirectUpload.Internal;

namespace DirectUpload.Tests.Tokens;

public class GrantSealTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    public static TheoryData<string> FactNames() => new() { "single", "multipart", "no owner", "md5 and digest", "html-sensitive", "escapes", "unicode", "all" };

    [Theory]
    [MemberData(nameof(FactNames))]
    public void Create_AnyFacts_IsTheSealOfTheSerializerJson(string name)
    {
        var facts = Facts(name);

        var seal = GrantSeal.Create(Key, "bucket", "uploads/a b/ü.txt", facts.P, facts.O, facts.S, facts.T, facts.M, facts.U == true, facts.D);

        seal.Should().Be(ReferenceSeal("bucket", "uploads/a b/ü.txt", facts), "the seal's JSON is exactly what System.Text.Json writes for the facts");
    }

    [Theory]
    [MemberData(nameof(FactNames))]
    public void Verify_SealFromCreate_ReturnsTheSameFacts(string name)
    {
        var facts = Facts(name);
        var seal = GrantSeal.Create(Key, "bucket", "k", facts.P, facts.O, facts.S, facts.T, facts.M, facts.U == true, facts.D);

        var verified = GrantSeal.Verify([Key], "bucket", "k", seal);

        verified.Should().BeEquivalentTo(facts);
    }

    private static SealedFacts Facts(string name) => name switch
    {
        "single" => new() { P = "documents", O = "user-1", S = 1234, T = "application/pdf" },
        "multipart" => new() { P = "videos", O = "user-1", S = 5_000_000_000, T = "video/mp4", U = true },
        "no owner" => new() { P = "images", S = 1, T = "image/png" },
        "md5 and digest" => new() { P = "p", S = 42, T = "text/plain;charset=utf-8", M = "1B2M2Y8AsgTpgAmY7PhCfg==", D = "AbCdEf-_0123456789xyzw" },
        "html-sensitive" => new() { P = "a<b>&'c'+`d`", O = "\"quoted\" \\ owner", S = 7, T = "text/html" },
        "escapes" => new() { P = "p", O = "tab\there\u007f\u0001", S = 7, T = "text/plain" },
        "unicode" => new() { P = "p", O = "ünïcødé owner", S = 7, T = "text/plain" },
        _ => new() { P = "all", O = "o", S = long.MaxValue, T = "application/octet-stream", M = "1B2M2Y8AsgTpgAmY7PhCfg==", U = true, D = "digest" },
    };

    // the seal as it was written before the direct writer: System.Text.Json and a one-shot HMAC
    private static string ReferenceSeal(string bucket, string objectKey, SealedFacts facts)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(facts, SealJsonContext.Default.SealedFacts);
        var data = Encoding.UTF8.GetBytes("du-seal1." + bucket + "\n" + objectKey + "\n").Concat(json).ToArray();
        return "s1." + Base64Url.EncodeToString(json) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(Key, data));
    }
}
