using System.Text;
using System.Text.Json;
using DirectUpload.AspNetCore.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.AspNetCore.Tests;

/// <summary>
/// The grant endpoint's own JSON writer (<see cref="UploadGrantResult"/>): byte for byte what System.Text.Json writes for
/// the same grant under the endpoints' options (but for <c>+</c>, written as itself), for every printable ASCII character
/// in every string, for instants with and without fractions and offsets, and through System.Text.Json itself for text it
/// does not write.
/// </summary>
public sealed class UploadGrantResultTests
{
    private static readonly DateTimeOffset Instant = new(2026, 12, 2, 3, 46, 49, TimeSpan.Zero);

    public static TheoryData<int> PrintableAscii()
    {
        var data = new TheoryData<int>();
        for (var c = 0x20; c <= 0x7E; c++)
        {
            data.Add(c);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PrintableAscii))]
    public async Task Write_PrintableAsciiInEveryString_MatchesSystemTextJson(int character)
    {
        var c = ((char)character).ToString();
        foreach (var grant in new[]
        {
            Grant(method: "P" + c),
            Grant(url: "https://s3.example/b?x=" + c + c),
            Grant(key: c + "uploads/a" + c),
            Grant(token: "g2." + c),
            Grant(fields: Entries(("na" + c + "me", "va" + c + "lue"), ("policy", c))),
            Grant(headers: Entries((c, string.Empty), ("Content-Type", "text/plain;charset=" + c))),
        })
        {
            (await Written(grant)).Should().Equal(SystemTextJson(grant), $"character 0x{character:X2} must be written as System.Text.Json writes it");
        }
    }

    [Theory]
    [InlineData(0L, 0)]
    [InlineData(1L, 0)]
    [InlineData(1_234_500L, 0)]
    [InlineData(9_999_999L, 0)]
    [InlineData(5_000_000L, -330)]
    [InlineData(0L, 840)]
    [InlineData(10L, -720)]
    public async Task Write_InstantWithFractionAndOffset_MatchesSystemTextJson(long ticks, int offsetMinutes)
    {
        var grant = Grant(expiresAt: Instant.ToOffset(TimeSpan.FromMinutes(offsetMinutes)).AddTicks(ticks));

        (await Written(grant)).Should().Equal(SystemTextJson(grant));
    }

    [Fact]
    public async Task Write_FirstAndLastRepresentableInstants_MatchSystemTextJson()
    {
        foreach (var instant in new[] { DateTimeOffset.MinValue, DateTimeOffset.MaxValue, DateTimeOffset.UnixEpoch })
        {
            (await Written(Grant(expiresAt: instant))).Should().Equal(SystemTextJson(Grant(expiresAt: instant)));
        }
    }

    [Fact]
    public async Task Write_EmptyAndSingleEntryDictionaries_MatchSystemTextJson()
    {
        foreach (var grant in new[]
        {
            Grant(fields: Entries(), headers: Entries()),
            Grant(fields: Entries(("key", "a")), headers: Entries()),
            Grant(fields: new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" }, headers: Entries(("x", ""))),
        })
        {
            (await Written(grant)).Should().Equal(SystemTextJson(grant));
        }
    }

    [Theory]
    [InlineData("é")]
    [InlineData("\u0000")]
    [InlineData("\n")]
    [InlineData("\u007F")]
    [InlineData("😀")]
    [InlineData("\uD800")]
    public async Task ExecuteAsync_TextOutsidePrintableAscii_IsWrittenBySystemTextJson(string text)
    {
        foreach (var grant in new[] { Grant(key: "a" + text), Grant(fields: Entries(("x-amz-meta-note", text))), Grant(headers: Entries((text, "v"))) })
        {
            await ShouldBeSystemTextJsonsAnswer(grant);
        }
    }

    [Fact]
    public async Task ExecuteAsync_NullWhereAStringBelongs_IsWrittenBySystemTextJson()
    {
        await ShouldBeSystemTextJsonsAnswer(Grant(token: null!));
        await ShouldBeSystemTextJsonsAnswer(Grant(fields: Entries(("key", null!))));
        await ShouldBeSystemTextJsonsAnswer(new UploadGrant
        {
            Method = "PUT", Url = "u", Fields = null!, Headers = Entries(), Key = "k", ExpiresAt = Instant, Token = "t",
        });
    }

    [Theory]
    [InlineData("documents/report.pdf", true)]
    [InlineData("documents/répertoire.pdf", false)]
    [InlineData("documents/a\"b<c>&'+`\\.pdf", true)]
    public async Task ExecuteAsync_AnyGrant_AnswersAs200Json(string key, bool ownWriter)
    {
        var grant = Grant(key: key);
        var (context, body) = NewContext();

        await new UploadGrantResult(grant).ExecuteAsync(context);

        context.Response.StatusCode.Should().Be(StatusCodes.Status200OK);
        context.Response.ContentType.Should().Be("application/json; charset=utf-8");
        if (ownWriter)
        {
            body.ToArray().Should().Equal(SystemTextJson(grant));
            context.Response.ContentLength.Should().Be(body.Length, "the answer is written in one piece, with its length");
        }
        else
        {
            body.ToArray().Should().Equal(JsonSerializer.SerializeToUtf8Bytes(grant, Json.Info<UploadGrant>()), "System.Text.Json writes it");
        }
    }

    [Fact]
    public async Task ExecuteAsync_AnswerLargerThanTheResponseBuffer_IsWrittenWhole()
    {
        // 40 fields of 1 KB: more than the writer asks of the response's own buffer at once
        var grant = Grant(fields: Entries(Enumerable.Range(0, 40).Select(i => ($"x-amz-meta-f{i}", new string((char)('a' + (i % 26)), 1024))).ToArray()));
        var (context, body) = NewContext();

        await new UploadGrantResult(grant).ExecuteAsync(context);

        body.ToArray().Should().Equal(SystemTextJson(grant));
        context.Response.ContentLength.Should().Be(body.Length);
    }

    private static (HttpContext Context, MemoryStream Body) NewContext()
    {
        var body = new MemoryStream();
        // the services System.Text.Json's own result needs, for the grants it writes
        var context = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().BuildServiceProvider() };
        context.Response.Body = body;
        return (context, body);
    }

    /// <summary>The answer, which the endpoint's own writer must have written (in one piece, with its length).</summary>
    private static async Task<byte[]> Written(UploadGrant grant)
    {
        var (context, body) = NewContext();
        await new UploadGrantResult(grant).ExecuteAsync(context);
        context.Response.ContentLength.Should().Be(body.Length, "a grant of printable ASCII is written by the endpoint's own writer");
        return body.ToArray();
    }

    /// <summary>Asserts the answer is System.Text.Json's, unchanged (the endpoint's own writer left it alone).</summary>
    private static async Task ShouldBeSystemTextJsonsAnswer(UploadGrant grant)
    {
        var (context, body) = NewContext();
        await new UploadGrantResult(grant).ExecuteAsync(context);
        context.Response.ContentLength.Should().BeNull("System.Text.Json's result writes without a length");
        body.ToArray().Should().Equal(JsonSerializer.SerializeToUtf8Bytes(grant, Json.Info<UploadGrant>()));
    }

    /// <summary>What System.Text.Json writes for the grant, with its <c>\u002B</c> written as <c>+</c> (the one escape the endpoint's writer leaves out).</summary>
    private static byte[] SystemTextJson(UploadGrant grant) =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(grant, Json.Info<UploadGrant>()).Replace("\\u002B", "+", StringComparison.Ordinal));

    [Fact]
    public async Task Write_Plus_IsWrittenAsItselfAndReadBackTheSame()
    {
        var grant = Grant(fields: Entries(("policy", "eyJ+/+=")), token: "a+b");

        var written = await Written(grant);

        Encoding.ASCII.GetString(written).Should().Contain("\"policy\":\"eyJ+/+=\"").And.NotContain("\\u002B");
        var read = JsonDocument.Parse(written).RootElement;
        read.GetProperty("fields").GetProperty("policy").GetString().Should().Be("eyJ+/+=");
        read.GetProperty("token").GetString().Should().Be("a+b");
    }

    private static Dictionary<string, string> Entries(params (string Name, string Value)[] entries)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in entries)
        {
            result[name] = value;
        }

        return result;
    }

    private static UploadGrant Grant(
        string method = "POST",
        string url = "https://s3.example/bucket",
        IReadOnlyDictionary<string, string>? fields = null,
        IReadOnlyDictionary<string, string>? headers = null,
        string key = "documents/01m8td6ndrm1sv5fj0pgrwxy2e-report.pdf",
        DateTimeOffset? expiresAt = null,
        string token = "g2.eyJ2IjoyfQ.ZG9j.DEyNP53eDq3sMddWb15zGg") => new()
        {
            Method = method,
            Url = url,
            Fields = fields ?? Entries(("key", key), ("policy", "eyJ+/="), ("x-amz-signature", "1c15")),
            Headers = headers ?? Entries(),
            Key = key,
            ExpiresAt = expiresAt ?? Instant,
            Token = token,
        };
}
