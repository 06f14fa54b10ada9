using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using DirectUpload.Internal;
using DirectUpload.Tests.TestUtilities;

namespace DirectUpload.Tests.Tokens;

public class UploadTokenServiceTests
{
    private const string Base64UrlAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    private static readonly DateTimeOffset Now = TestServices.Now;

    private static readonly UploadTicket Ticket = new()
    {
        Profile = "photos",
        Key = "photos/users/alice/01jd3c4k7q9v2m5x8z0b1c2d3e.jpg",
        OwnerId = "alice",
        Size = 12345,
        ContentType = "image/jpeg",
        ExpiresAt = Now.AddMinutes(15),
    };

    public static TheoryData<string> TicketNames() => new() { "single", "multipart", "no owner", "unicode", "html-sensitive", "md5", "md5 unicode" };

    [Theory]
    [MemberData(nameof(TicketNames))]
    public void ValidateToken_TokenFromCreateToken_ReturnsTheSameTicket(string name)
    {
        var ticket = Tickets(name);
        var sut = CreateSut();

        var token = sut.CreateToken(ticket);

        sut.ValidateToken(token).Should().Be(ticket);
    }

    [Theory]
    [MemberData(nameof(TicketNames))]
    public void CreateToken_AnyTicket_UsesOnlyTheUrlSafeAlphabetAndOneDot(string name)
    {
        var token = CreateSut().CreateToken(Tickets(name));

        token.Should().MatchRegex("^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}$");
        Uri.EscapeDataString(token).Should().Be(token);
    }

    [Fact]
    public void ValidateToken_LargestTicketTheIssuersCanProduce_RoundTrips()
    {
        // every field at its limit, in characters JSON escapes to six bytes each: a 1024-byte key, a 256-character owner,
        // a 255-character content type, a 64-character profile and a long multipart upload id
        var ticket = new UploadTicket
        {
            Profile = new string('p', 64),
            Key = new string('+', 1024),
            OwnerId = new string('<', 256),
            ContentType = "application/" + new string('&', 243),
            Size = long.MaxValue,
            ExpiresAt = Now.AddDays(7),
            UploadId = new string('\'', 256),
            PartSize = 5L * 1024 * 1024 * 1024,
        };
        var sut = CreateSut();

        var token = sut.CreateToken(ticket);

        sut.ValidateToken(token).Should().Be(ticket);
    }

    [Fact]
    public void CreateToken_ExpiryWithFraction_RoundTripsToTheWholeSecond()
    {
        var sut = CreateSut();

        var ticket = sut.ValidateToken(sut.CreateToken(Ticket with { ExpiresAt = Now.AddMinutes(15).AddMilliseconds(999) }));

        ticket.ExpiresAt.Should().Be(Now.AddMinutes(15));
    }

    [Fact]
    public void CreateToken_AnyTicket_CarriesNoSecret()
    {
        var token = CreateSut().CreateToken(Ticket);

        token.Should().NotContainAny(TestServices.TokenKey, TestServices.SecretKey);
        var payload = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token[..token.IndexOf('.', StringComparison.Ordinal)]));
        payload.Should().NotContainAny(TestServices.TokenKey, TestServices.SecretKey);
        using var json = System.Text.Json.JsonDocument.Parse(payload);
        json.RootElement.EnumerateObject().Select(p => p.Name).Should().BeSubsetOf(["v", "p", "k", "o", "s", "t", "e", "u", "z"]);
    }

    [Fact]
    public void ValidateToken_EveryCharacterReplaced_RejectsAsInvalidToken()
    {
        var sut = CreateSut();
        var token = sut.CreateToken(Ticket);

        for (var i = 0; i < token.Length; i++)
        {
            if (token[i] == '.')
            {
                continue;
            }

            var replacement = Base64UrlAlphabet[(Base64UrlAlphabet.IndexOf(token[i], StringComparison.Ordinal) + 1) % Base64UrlAlphabet.Length];
            var tampered = string.Concat(token.AsSpan(0, i), replacement.ToString(), token.AsSpan(i + 1));

            var act = () => sut.ValidateToken(tampered);

            act.Should().Throw<UploadRejectedException>("position {0} was changed", i).Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
        }
    }

    [Fact]
    public void ValidateToken_EveryPayloadOrMacBitFlipped_RejectsAsInvalidToken()
    {
        var sut = CreateSut();
        var token = sut.CreateToken(Ticket);
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        var payload = Base64Url.DecodeFromChars(token[..dot]);
        var mac = Base64Url.DecodeFromChars(token[(dot + 1)..]);

        for (var i = 0; i < payload.Length; i++)
        {
            var copy = (byte[])payload.Clone();
            copy[i] ^= 0x01;
            var act = () => sut.ValidateToken(Base64Url.EncodeToString(copy) + token[dot..]);
            act.Should().Throw<UploadRejectedException>("payload byte {0} was changed", i).Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
        }

        for (var i = 0; i < mac.Length; i++)
        {
            var copy = (byte[])mac.Clone();
            copy[i] ^= 0x80;
            var act = () => sut.ValidateToken(token[..(dot + 1)] + Base64Url.EncodeToString(copy));
            act.Should().Throw<UploadRejectedException>("MAC byte {0} was changed", i).Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
        }
    }

    [Fact]
    public void ValidateToken_PayloadOfAnotherTokenWithThisMac_RejectsAsInvalidToken()
    {
        var sut = CreateSut();
        var mine = sut.CreateToken(Ticket);
        var theirs = sut.CreateToken(Ticket with { OwnerId = "mallory", Key = "photos/users/mallory/x.jpg" });

        var spliced = theirs[..theirs.IndexOf('.', StringComparison.Ordinal)] + mine[mine.IndexOf('.', StringComparison.Ordinal)..];

        var act = () => sut.ValidateToken(spliced);
        act.Should().Throw<UploadRejectedException>().Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
    }

    [Theory]
    [InlineData("pad")]
    [InlineData("space")]
    [InlineData("tab")]
    [InlineData("newline")]
    [InlineData("standard-alphabet")]
    public void ValidateToken_NonCanonicalEncodingOfAValidToken_RejectsAsInvalidToken(string variant)
    {
        // every ticket has exactly one token: a host may use the token string as an idempotency key
        var sut = CreateSut();
        var token = sut.CreateToken(Ticket with { Key = "photos/~~~>>>???.jpg" });
        var dot = token.IndexOf('.', StringComparison.Ordinal);
        var changed = variant switch
        {
            "pad" => token + "=",
            "space" => token.Insert(dot + 5, " "),
            "tab" => token.Insert(3, "\t"),
            "newline" => token + "\n",
            _ => token.Replace('-', '+').Replace('_', '/'),
        };
        changed.Should().NotBe(token);

        var act = () => sut.ValidateToken(changed);

        act.Should().Throw<UploadRejectedException>().Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
    }

    [Fact]
    public void ValidateToken_SignedWithAnotherKey_RejectsAsInvalidToken()
    {
        var token = CreateSut(TestServices.OtherTokenKey).CreateToken(Ticket);

        var act = () => CreateSut().ValidateToken(token);

        act.Should().Throw<UploadRejectedException>().Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
    }

    [Fact]
    public void ValidateToken_SignedWithAPreviousKey_IsAccepted()
    {
        var token = CreateSut(TestServices.OtherTokenKey).CreateToken(Ticket);
        var sut = CreateSut(TestServices.TokenKey, previousKeys: [TestServices.OtherTokenKey]);

        sut.ValidateToken(token).Should().Be(Ticket);
    }

    [Fact]
    public void CreateToken_AfterRotation_SignsWithTheCurrentKeyOnly()
    {
        var rotated = CreateSut(TestServices.TokenKey, previousKeys: [TestServices.OtherTokenKey]);

        var token = rotated.CreateToken(Ticket);

        CreateSut(TestServices.TokenKey).ValidateToken(token).Should().Be(Ticket);
        var act = () => CreateSut(TestServices.OtherTokenKey).ValidateToken(token);
        act.Should().Throw<UploadRejectedException>().Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
    }

    [Fact]
    public void ValidateToken_Expiry_AcceptedUntilTheLastSecondThenExpired()
    {
        var clock = new FakeTimeProvider(Now);
        var sut = CreateSut(clock: clock);
        var token = sut.CreateToken(Ticket);

        clock.Advance(TimeSpan.FromMinutes(15) - TimeSpan.FromMilliseconds(1));
        sut.ValidateToken(token).Should().Be(Ticket);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        var atExpiry = () => sut.ValidateToken(token);
        atExpiry.Should().Throw<UploadRejectedException>().Which.Reason.Should().Be(UploadRejectionReason.Expired);

        clock.Advance(TimeSpan.FromDays(30));
        var later = () => sut.ValidateToken(token);
        later.Should().Throw<UploadRejectedException>().Which.Reason.Should().Be(UploadRejectionReason.Expired);
    }

    [Fact]
    public void ValidateToken_ExpiredAndTampered_ReportsInvalidTokenNotExpired()
    {
        var clock = new FakeTimeProvider(Now);
        var sut = CreateSut(clock: clock);
        var token = sut.CreateToken(Ticket);
        clock.Advance(TimeSpan.FromDays(1));

        var act = () => sut.ValidateToken(token[..^1] + (token[^1] == 'A' ? 'Q' : 'A'));

        act.Should().Throw<UploadRejectedException>().Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("abc")]
    [InlineData("abc.")]
    [InlineData(".abc")]
    [InlineData("a.b.c")]
    [InlineData("e30.e30")]
    [InlineData("%%%%.%%%%")]
    [InlineData("eyJ2IjoxfQ.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("日本.語")]
    public void ValidateToken_Malformed_RejectsAsInvalidToken(string? token)
    {
        var act = () => CreateSut().ValidateToken(token);

        act.Should().Throw<UploadRejectedException>().Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
    }

    [Fact]
    public void ValidateToken_Oversized_RejectsAsInvalidToken()
    {
        var act = () => CreateSut().ValidateToken(new string('a', 40_000) + ".b");

        act.Should().Throw<UploadRejectedException>().Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("""{"v":2,"p":"photos","k":"k","s":1,"t":"image/png","e":1900000000}""")]
    [InlineData("""{"p":"photos","k":"k","s":1,"t":"image/png","e":1900000000,"v":0}""")]
    [InlineData("""{"v":1,"k":"k","s":1,"t":"image/png","e":1900000000}""")]
    [InlineData("""{"v":1,"p":"photos","s":1,"t":"image/png","e":1900000000}""")]
    [InlineData("""{"v":1,"p":"photos","k":"k","s":1,"e":1900000000}""")]
    [InlineData("""{"v":1,"p":"photos","k":"k","s":0,"t":"image/png","e":1900000000}""")]
    [InlineData("""{"v":1,"p":"photos","k":"k","s":"1","t":"image/png","e":1900000000}""")]
    public void ValidateToken_CorrectlySignedButBadPayload_RejectsAsInvalidToken(string json)
    {
        // signed with the real key, so only the payload checks stand between this and a ticket
        var token = Sign(json, TestServices.TokenKey);

        var act = () => CreateSut().ValidateToken(token);

        act.Should().Throw<UploadRejectedException>().Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
    }

    [Fact]
    public void ValidateToken_HandSignedPayload_PinsTheV1Format()
    {
        var token = Sign("""{"v":1,"p":"photos","k":"a/b.jpg","o":"alice","s":42,"t":"image/png","e":1900000000}""", TestServices.TokenKey);

        CreateSut().ValidateToken(token).Should().Be(new UploadTicket
        {
            Profile = "photos",
            Key = "a/b.jpg",
            OwnerId = "alice",
            Size = 42,
            ContentType = "image/png",
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(1_900_000_000),
        });
    }

    [Fact]
    public void CreateToken_NoSigningKey_ThrowsInvalidOperation()
    {
        var act = () => CreateSut(tokenKey: null).CreateToken(Ticket);

        act.Should().Throw<InvalidOperationException>().WithMessage("*TokenSigningKey*");
    }

    [Fact]
    public void CreateToken_Null_ThrowsWithParameterName()
    {
        var act = () => CreateSut().CreateToken(null!);

        act.Should().Throw<ArgumentNullException>().WithParameterName("ticket");
    }

    private static UploadTicket Tickets(string name) => name switch
    {
        "single" => Ticket,
        "multipart" => Ticket with { UploadId = "2~abc_DEF-ghi.jkl/mno+pqr=", PartSize = 16L * 1024 * 1024, Size = 30L * 1024 * 1024 * 1024 },
        "no owner" => Ticket with { OwnerId = null },
        "unicode" => Ticket with { Key = "photos/日本/é 😀.jpg", OwnerId = "Zoë", ContentType = "image/png; name=\"ü\"" },
        "html-sensitive" => Ticket with { Key = "a/<script>&'\"+`\\/x.jpg", OwnerId = "o'brien" },
        "md5" => Ticket with { ContentMd5 = "1B2M2Y8AsgTpgAmY7PhCfg==" },
        "md5 unicode" => Ticket with { Key = "photos/é.jpg", ContentMd5 = "1B2M2Y8AsgTpgAmY7PhCfg==" },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static string Sign(string json, string base64Key)
    {
        var body = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
        var mac = HMACSHA256.HashData(Convert.FromBase64String(base64Key), Encoding.ASCII.GetBytes("du1." + body));
        return body + "." + Base64Url.EncodeToString(mac);
    }

    private static UploadTokenService CreateSut(string? tokenKey = "default", string[]? previousKeys = null, TimeProvider? clock = null)
    {
        var options = new DirectUploadOptions { TokenSigningKey = tokenKey == "default" ? TestServices.TokenKey : tokenKey };
        foreach (var key in previousKeys ?? [])
        {
            options.PreviousTokenSigningKeys.Add(key);
        }

        return new UploadTokenService(new TestOptionsMonitor<DirectUploadOptions>(options), clock ?? new FakeTimeProvider(Now));
    }
}
