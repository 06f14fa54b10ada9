using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DirectUpload.Internal;
using DirectUpload.Tests.TestUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.Tests.Tokens;

/// <summary>The seal and token of a single-request grant, made from one MAC (formats <c>s2.</c> and <c>g2.</c>).</summary>
public class SharedSealTests
{
    private const string Bucket = "uploads-bucket";
    private const string ObjectKey = "photos/alice/01jd3c4k7q9v2m5x8z0b1c2d3e-ü.jpg";
    private static readonly byte[] Key = Convert.FromBase64String(TestServices.TokenKey);
    private static readonly byte[] OtherKey = Convert.FromBase64String(TestServices.OtherTokenKey);
    private static readonly DateTimeOffset Now = TestServices.Now;
    private static readonly DateTimeOffset TokenExpiresAt = Now.AddMinutes(20);

    public static TheoryData<string> FactNames() => new() { "plain", "no owner", "md5 and digest", "html-sensitive", "escapes", "unicode" };

    [Theory]
    [MemberData(nameof(FactNames))]
    public void CreateWithToken_AnyFacts_AreTheSerializerJsonAndTheTwoHalvesOfOneMac(string name)
    {
        var facts = Facts(name);

        var (seal, token) = Create(facts);

        var json = JsonSerializer.SerializeToUtf8Bytes(facts, SealJsonContext.Default.SealedFacts);
        var mac = HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes("du-grant2." + ObjectKey + "\n").Concat(json).ToArray());
        seal.Should().Be("s2." + Base64Url.EncodeToString(json) + "." + Base64Url.EncodeToString(mac.AsSpan(0, 16)));
        token.Should().Be("g2." + Base64Url.EncodeToString(json) + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(ObjectKey)) + "." + Base64Url.EncodeToString(mac.AsSpan(16)));
    }

    [Theory]
    [MemberData(nameof(FactNames))]
    public void Verify_SharedSeal_ReturnsItsFacts(string name)
    {
        var facts = Facts(name);
        var (seal, _) = Create(facts);

        GrantSeal.Verify([OtherKey, Key], Bucket, ObjectKey, seal).Should().BeEquivalentTo(facts);
    }

    [Theory]
    [MemberData(nameof(FactNames))]
    public void VerifyToken_SharedToken_ReturnsItsFactsAndKey(string name)
    {
        var facts = Facts(name);
        var (_, token) = Create(facts);

        var verified = GrantSeal.VerifyToken([OtherKey, Key], token);

        verified.Should().NotBeNull();
        verified!.Value.Facts.Should().BeEquivalentTo(facts);
        verified.Value.Key.Should().Be(ObjectKey);
    }

    [Fact]
    public void Verify_SharedSealOnAnotherObjectOrBucketOrWithAnotherKey_IsNull()
    {
        var (seal, _) = Create(Facts("plain"));

        GrantSeal.Verify([Key], Bucket, ObjectKey + "x", seal).Should().BeNull("the MAC binds the object key");
        GrantSeal.Verify([Key], "other-bucket", ObjectKey, seal).Should().BeNull("the facts name the bucket");
        GrantSeal.Verify([OtherKey], Bucket, ObjectKey, seal).Should().BeNull("another token key");
    }

    [Fact]
    public void Verify_TokenOrTheTokensHalfAsASeal_IsNull()
    {
        var (seal, token) = Create(Facts("plain"));
        var parts = token["g2.".Length..].Split('.');

        GrantSeal.Verify([Key], Bucket, ObjectKey, token).Should().BeNull();
        GrantSeal.Verify([Key], Bucket, ObjectKey, "s2." + parts[0] + "." + parts[2]).Should().BeNull("a seal is checked against the first half only");
        GrantSeal.Verify([Key], Bucket, ObjectKey, "s1." + seal["s2.".Length..]).Should().BeNull("a shared seal is not a first-version one");
    }

    [Fact]
    public void VerifyToken_SealOrTheSealsHalfAsAToken_IsNull()
    {
        // the seal is readable by anyone who can read the object's metadata: it must not give a token
        var (seal, token) = Create(Facts("plain"));
        var sealParts = seal["s2.".Length..].Split('.');
        var tokenParts = token["g2.".Length..].Split('.');

        GrantSeal.VerifyToken([Key], seal).Should().BeNull();
        GrantSeal.VerifyToken([Key], "g2." + sealParts[0] + "." + tokenParts[1] + "." + sealParts[1]).Should().BeNull("a token is checked against the second half only");
    }

    [Fact]
    public void VerifyToken_EditedFactsKeyOrMac_IsNull()
    {
        var facts = Facts("plain");
        var (_, token) = Create(facts);
        var parts = token["g2.".Length..].Split('.');
        var larger = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(Facts("plain", size: facts.S + 1), SealJsonContext.Default.SealedFacts));
        var otherKey = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(ObjectKey + "x"));
        var flipped = Base64Url.DecodeFromChars(parts[2]);
        flipped[0] ^= 1;

        GrantSeal.VerifyToken([Key], "g2." + larger + "." + parts[1] + "." + parts[2]).Should().BeNull("the facts are MACed");
        GrantSeal.VerifyToken([Key], "g2." + parts[0] + "." + otherKey + "." + parts[2]).Should().BeNull("the key is MACed");
        GrantSeal.VerifyToken([Key], "g2." + parts[0] + "." + parts[1] + "." + Base64Url.EncodeToString(flipped)).Should().BeNull();
        GrantSeal.VerifyToken([OtherKey], token).Should().BeNull("another token key");
    }

    [Theory]
    [InlineData("g2.")]
    [InlineData("g2.a")]
    [InlineData("g2.a.b")]
    [InlineData("g2..b.c")]
    [InlineData("g2.a..c")]
    [InlineData("g2.a.b.")]
    [InlineData("g2.a.b.c.d")]
    [InlineData("g2.!!!.b.c")]
    [InlineData("g3.a.b.c")]
    public void VerifyToken_MalformedShape_IsNull(string token)
    {
        GrantSeal.VerifyToken([Key], token).Should().BeNull();
    }

    [Fact]
    public void VerifyToken_KeyThatIsNotUtf8OrAShortenedMac_IsNull()
    {
        var (_, token) = Create(Facts("plain"));
        var parts = token["g2.".Length..].Split('.');
        var notUtf8 = Base64Url.EncodeToString(new byte[] { 0x70, 0xC3, 0x28 });
        var shortMac = Base64Url.EncodeToString(Base64Url.DecodeFromChars(parts[2]).AsSpan(0, 15));

        GrantSeal.VerifyToken([Key], "g2." + parts[0] + "." + notUtf8 + "." + parts[2]).Should().BeNull();
        GrantSeal.VerifyToken([Key], "g2." + parts[0] + "." + parts[1] + "." + shortMac).Should().BeNull();
    }

    [Fact]
    public void VerifyAndVerifyToken_ValidMacOverFactsOfTheWrongVersionOrIncomplete_AreNull()
    {
        // a MAC that matches is not enough: the facts must be complete second-version facts
        foreach (var json in new[]
        {
            """{"v":1,"b":"uploads-bucket","p":"photos","s":5,"t":"image/jpeg","e":1}""",
            """{"v":2,"p":"photos","s":5,"t":"image/jpeg","e":1}""",
            """{"v":2,"b":"uploads-bucket","p":"photos","s":5,"t":"image/jpeg"}""",
            """{"v":2,"b":"uploads-bucket","p":"photos","s":5,"t":"image/jpeg","e":1,"u":true}""",
            """{"v":2,"b":"uploads-bucket","p":"photos","s":0,"t":"image/jpeg","e":1}""",
            """{"v":2,"b":"uploads-bucket","p":"","s":5,"t":"image/jpeg","e":1}""",
        })
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            var mac = HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes("du-grant2." + ObjectKey + "\n").Concat(bytes).ToArray());
            var body = Base64Url.EncodeToString(bytes);
            GrantSeal.Verify([Key], Bucket, ObjectKey, "s2." + body + "." + Base64Url.EncodeToString(mac.AsSpan(0, 16))).Should().BeNull(json);
            GrantSeal.VerifyToken([Key], "g2." + body + "." + Base64Url.EncodeToString(Encoding.UTF8.GetBytes(ObjectKey)) + "." + Base64Url.EncodeToString(mac.AsSpan(16)))
                .Should().BeNull(json);
        }
    }

    [Fact]
    public void Verify_FirstVersionSealWithSecondVersionFields_IsNull()
    {
        var json = Encoding.UTF8.GetBytes("""{"v":1,"b":"uploads-bucket","p":"photos","s":5,"t":"image/jpeg","e":1}""");
        var mac = HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes("du-seal1." + Bucket + "\n" + ObjectKey + "\n").Concat(json).ToArray());

        GrantSeal.Verify([Key], Bucket, ObjectKey, "s1." + Base64Url.EncodeToString(json) + "." + Base64Url.EncodeToString(mac)).Should().BeNull();
    }

    [Fact]
    public void ValidateToken_SharedToken_ReturnsTheTicketItVouchesFor()
    {
        var (_, token) = Create(Facts("md5 and digest"));

        var ticket = TokenService(previousKeys: [TestServices.TokenKey], current: TestServices.OtherTokenKey).ValidateToken(token);

        ticket.Should().Be(new UploadTicket
        {
            Profile = "p",
            Key = ObjectKey,
            Size = 1234,
            ContentType = "text/plain;charset=utf-8",
            ContentMd5 = "1B2M2Y8AsgTpgAmY7PhCfg==",
            MetadataDigest = "AbCdEf-_0123456789xyzw",
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(TokenExpiresAt.ToUnixTimeSeconds()),
        }, "a previous key still verifies");
    }

    [Fact]
    public void ValidateToken_SharedTokenAfterItsExpiry_IsExpired()
    {
        var (_, token) = Create(Facts("plain"));

        var act = () => TokenService(now: TokenExpiresAt).ValidateToken(token);

        act.Should().Throw<UploadRejectedException>().Which.Reason.Should().Be(UploadRejectionReason.Expired);
    }

    [Fact]
    public void ValidateToken_TheSealOrAnEditedSharedToken_IsInvalidToken()
    {
        var (seal, token) = Create(Facts("plain"));
        var sut = TokenService();

        foreach (var forged in new[] { seal, "g2." + seal["s2.".Length..], token + "A", token.Replace("g2.", "g2.A", StringComparison.Ordinal) })
        {
            var act = () => sut.ValidateToken(forged);
            act.Should().Throw<UploadRejectedException>(forged).Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
        }
    }

    [Fact]
    public async Task IssueAsync_BuiltInTokenService_MakesTheTokenWithTheSealFromOneMac()
    {
        using var services = Build();

        var grant = await services.GetRequiredService<IUploadPolicyIssuer>().IssueAsync(TestServices.Request(size: 1234));

        var seal = grant.Headers["x-amz-meta-du-grant"];
        seal.Should().StartWith("s2.");
        grant.Token.Should().StartWith("g2.");
        seal.Split('.')[1].Should().Be(grant.Token.Split('.')[1], "the seal and the token carry the same facts");
        var ticket = services.GetRequiredService<IUploadTokenService>().ValidateToken(grant.Token);
        ticket.Key.Should().Be(grant.Key);
        ticket.Size.Should().Be(1234);
        var facts = GrantSeal.Verify([Key], TestServices.Bucket, grant.Key, seal);
        facts.Should().NotBeNull();
        facts!.E.Should().Be(ticket.ExpiresAt.ToUnixTimeSeconds());
        ticket.ExpiresAt.Should().BeAfter(grant.ExpiresAt, "the token outlives the grant by the confirmation grace period");
    }

    [Fact]
    public async Task IssueAsync_CustomTokenService_SealsWithTheFirstVersionAndLeavesTheTokenToIt()
    {
        var custom = new Moq.Mock<IUploadTokenService>();
        custom.Setup(t => t.CreateToken(Moq.It.IsAny<UploadTicket>())).Returns("custom-token");
        using var services = Build(b => b.Services.AddSingleton(custom.Object));

        var grant = await services.GetRequiredService<IUploadPolicyIssuer>().IssueAsync(TestServices.Request(size: 1234));

        grant.Token.Should().Be("custom-token");
        grant.Headers["x-amz-meta-du-grant"].Should().StartWith("s1.");
        GrantSeal.Verify([Key], TestServices.Bucket, grant.Key, grant.Headers["x-amz-meta-du-grant"]).Should().NotBeNull();
    }

    private static ServiceProvider Build(Action<IDirectUploadBuilder>? configure = null) =>
        TestServices.Build(b =>
        {
            b.AddS3PresignedPut("photos", p =>
            {
                p.KeyPrefix = "photos/";
                p.AllowedContentTypes.Add("image/*");
            });
            configure?.Invoke(b);
        });

    private static UploadTokenService TokenService(string[]? previousKeys = null, string? current = null, DateTimeOffset? now = null)
    {
        var options = new DirectUploadOptions { TokenSigningKey = current ?? TestServices.TokenKey };
        foreach (var key in previousKeys ?? [])
        {
            options.PreviousTokenSigningKeys.Add(key);
        }

        return new UploadTokenService(new TestOptionsMonitor<DirectUploadOptions>(options), new FakeTimeProvider(now ?? Now));
    }

    private static (string Seal, string Token) Create(SealedFacts f) =>
        GrantSeal.CreateWithToken(Key, Bucket, ObjectKey, f.P, f.O, f.S, f.T, f.M, f.D, TokenExpiresAt);

    private static SealedFacts Facts(string name, long size = 1234)
    {
        var facts = name switch
        {
            "plain" => new SealedFacts { P = "photos", O = "alice", T = "image/jpeg" },
            "no owner" => new SealedFacts { P = "images", T = "image/png" },
            "md5 and digest" => new SealedFacts { P = "p", T = "text/plain;charset=utf-8", M = "1B2M2Y8AsgTpgAmY7PhCfg==", D = "AbCdEf-_0123456789xyzw" },
            "html-sensitive" => new SealedFacts { P = "a<b>&'c'+`d`", O = "\"quoted\" \\ owner", T = "text/html" },
            "escapes" => new SealedFacts { P = "p", O = "tab\there\u007f\u0001", T = "text/plain" },
            _ => new SealedFacts { P = "p", O = "ünïcødé owner", T = "text/plain" },
        };
        facts.V = 2;
        facts.B = Bucket;
        facts.S = size;
        facts.E = TokenExpiresAt.ToUnixTimeSeconds();
        return facts;
    }
}
