using System.Net;
using System.Text;
using DirectUpload.IntegrationTests.Infrastructure;

namespace DirectUpload.IntegrationTests;

/// <summary>
/// Keys that stress encoding go through both grant kinds and come back byte-exact: the PUT URL is percent-encoded by our
/// signer and used verbatim by the client; the POST key travels raw (UTF-8) in the form. The built-in strategies sanitize
/// file names, so a custom <see cref="IObjectKeyStrategy"/> returns the hostile key as is.
/// </summary>
[Collection(RealS3.Name)]
public sealed class KeyEncodingTests
{
    private const string Nfc = "caf\u00e9 na\u00efve \u00c5ngstr\u00f6m";              // é ï Å ö precomposed
    private const string Nfd = "cafe\u0301 nai\u0308ve A\u030angstro\u0308m";          // the same text, decomposed
    private readonly S3Fixture _s3;
    private readonly ITestOutputHelper _output;

    public KeyEncodingTests(S3Fixture s3, ITestOutputHelper output)
    {
        _s3 = s3;
        _output = output;
    }

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in new[] { "PUT", "POST" })
        {
            foreach (var name in RelativeKeys.Keys)
            {
                data.Add(name, method);
            }
        }

        return data;
    }

    private static readonly Dictionary<string, string> RelativeKeys = new()
    {
        ["spaces"] = "with space/and  two  spaces /trailing space .txt",
        ["plus"] = "a+b/c+d=e.txt",
        ["percent"] = "100%/%20literal%2Fnot-a-slash/%2e%2e/%.txt",
        ["tilde-equals-ampersand"] = "~user/a=b&c=d/x~y.txt",
        ["query-and-fragment-chars"] = "what?/x#y/a?b=c#d.txt",
        ["sub-delims"] = "!$'()*,;:@[]{}|^`\"<>.txt",
        ["unicode-nfc"] = Nfc + "/\u65e5\u672c\u8a9e/\U0001F600.txt",
        ["unicode-nfd"] = Nfd + "/\u65e5\u672c\u8a9e/\U0001F600.txt",
        ["deep-path"] = string.Join('/', Enumerable.Range(1, 40).Select(i => $"d{i}")) + "/leaf.txt",
        ["dots-in-segments"] = "...a/b../.c/d./e.txt",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileKey_RoundTripsByteExact(string name, string method)
    {
        var prefix = _s3.NewPrefix("keys");
        await RoundTripAsync(method, prefix, RelativeKeys[name]);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("POST")]
    public async Task KeyOfExactly1024Utf8Bytes_RoundTrips(string method)
    {
        var prefix = _s3.NewPrefix("maxkey");
        var relative = MaxLengthKey(prefix);
        Encoding.UTF8.GetByteCount(prefix + relative).Should().Be(ObjectKeys.MaxKeyBytes);

        await RoundTripAsync(method, prefix, relative);
    }

    [Fact]
    public async Task KeyOf1025Utf8Bytes_IsRejectedBeforeSigning()
    {
        var prefix = _s3.NewPrefix("maxkey");
        var issuer = Issuer("PUT", prefix, MaxLengthKey(prefix) + "x");

        var act = async () => await issuer.IssueAsync(Request("PUT"));
        (await act.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.InvalidKey);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("POST")]
    public async Task NfcAndNfdFormsOfAName_AreTwoDifferentObjects(string method)
    {
        var prefix = _s3.NewPrefix("nfc-nfd");
        var nfc = await RoundTripAsync(method, prefix, Nfc + ".txt");
        var nfd = await RoundTripAsync(method, prefix, Nfd + ".txt");

        // neither the signer, nor .NET, nor the store normalizes: the two keys stay distinct, each with its own bytes
        (await _s3.ListKeysAsync(prefix)).Should().BeEquivalentTo([prefix + Nfc + ".txt", prefix + Nfd + ".txt"]);
        (await _s3.ReadAsync(prefix + Nfc + ".txt")).Bytes.Should().Equal(nfc);
        (await _s3.ReadAsync(prefix + Nfd + ".txt")).Bytes.Should().Equal(nfd);
    }

    /// <summary>A relative key that makes prefix + key exactly 1024 UTF-8 bytes, with 1-, 2-, 3- and 4-byte characters.</summary>
    private static string MaxLengthKey(string prefix)
    {
        var builder = new StringBuilder();
        var pattern = new[] { "\u00e9", "\u65e5", "\U0001F600", "+", " ", "%", "/" };
        for (var i = 0; Encoding.UTF8.GetByteCount(prefix + builder) < ObjectKeys.MaxKeyBytes - 8; i++)
        {
            builder.Append('k').Append(pattern[i % pattern.Length]);
        }

        builder.Append('z', ObjectKeys.MaxKeyBytes - Encoding.UTF8.GetByteCount(prefix + builder));
        return builder.ToString();
    }

    private static UploadRequest Request(string method) => new()
    {
        Profile = method.ToLowerInvariant(),
        FileName = "ignored.txt",
        ContentType = "text/plain",
        Size = 64,
    };

    private IUploadPolicyIssuer Issuer(string method, string prefix, string relativeKey) => _s3.CreateIssuer(b =>
    {
        void Configure(UploadProfileOptions p)
        {
            p.KeyPrefix = prefix;
            p.AllowedContentTypes.Add("text/plain");
            p.KeyStrategy = new FixedKeyStrategy(relativeKey);
        }

        if (method == "PUT")
        {
            b.AddS3PresignedPut("put", Configure);
        }
        else
        {
            b.AddS3PresignedPost("post", Configure);
        }
    });

    private async Task<byte[]> RoundTripAsync(string method, string prefix, string relativeKey)
    {
        var key = prefix + relativeKey;
        var body = TestData.Bytes(64);
        var grant = await Issuer(method, prefix, relativeKey).IssueAsync(Request(method));
        grant.Key.Should().Be(key);
        _output.WriteLine($"{method} {grant.Url}");

        var reply = await _s3.Follower.FollowAsync(grant, body);
        reply.ShouldSucceed(method == "PUT" ? HttpStatusCode.OK : HttpStatusCode.NoContent);

        // read back through the SDK (its own encoding), and list: the stored key is exactly the granted one
        await _s3.ShouldHoldAsync(key, body, "text/plain");
        (await _s3.ListKeysAsync(prefix)).Should().Contain(key);
        return body;
    }
}
