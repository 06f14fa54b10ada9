using DirectUpload.Internal;
using DirectUpload.Tests.TestUtilities;

namespace DirectUpload.Tests.Security;

/// <summary>Issue 8, item 5: the verifier compares every stored fact with the grant (storage facts in, verdict out).</summary>
public class StoredObjectCheckTests
{
    private static readonly string Digest = StoredObjectCheck.MetadataDigest([new("app", "demo"), new("album", "summer")])!;

    [Fact]
    public void Verify_ExactlyAsGranted_Passes()
    {
        StoredObjectCheck.Verify(Ticket(), Profile(), Facts()).Should().BeNull();
    }

    [Fact]
    public void Verify_EquivalentSpellings_Pass()
    {
        // the HTTP stack may re-serialize these; a reader sees the same thing
        var stored = Facts() with
        {
            ContentType = "Text/Plain; Charset=UTF-8",
            CacheControl = "max-age=60, private",
            Metadata = [new("ALBUM", "summer"), new("App", "demo")],
            StorageClass = "STANDARD",
        };
        StoredObjectCheck.Verify(Ticket(), Profile(), stored).Should().BeNull();
    }

    public static TheoryData<string> MismatchNames => [.. Mismatches.Keys];

    private static readonly Dictionary<string, (Func<StoredObjectFacts, StoredObjectFacts> Change, UploadRejectionReason Reason)> Mismatches = new()
    {
        ["size"] = (f => f with { Size = 3000 }, UploadRejectionReason.SizeMismatch),
        ["Content-Type other"] = (f => f with { ContentType = "text/html" }, UploadRejectionReason.ContentTypeMismatch),
        ["Content-Type comma"] = (f => f with { ContentType = "text/plain;charset=utf-8,text/html" }, UploadRejectionReason.ContentTypeMismatch),
        ["Content-Type missing"] = (f => f with { ContentType = null }, UploadRejectionReason.ContentTypeMismatch),
        ["Content-Type other charset"] = (f => f with { ContentType = "text/plain;charset=utf-16" }, UploadRejectionReason.ContentTypeMismatch),
        ["MD5"] = (f => f with { ETag = "\"00000000000000000000000000000000\"" }, UploadRejectionReason.ChecksumMismatch),
        ["Content-Encoding"] = (f => f with { ContentEncoding = "gzip" }, UploadRejectionReason.MetadataMismatch),
        ["Content-Disposition other"] = (f => f with { ContentDisposition = "inline" }, UploadRejectionReason.MetadataMismatch),
        ["Content-Disposition missing"] = (f => f with { ContentDisposition = null }, UploadRejectionReason.MetadataMismatch),
        ["Cache-Control other"] = (f => f with { CacheControl = "public, max-age=31536000" }, UploadRejectionReason.MetadataMismatch),
        ["Content-Language"] = (f => f with { ContentLanguage = "de" }, UploadRejectionReason.MetadataMismatch),
        ["Expires"] = (f => f with { Expires = "Thu, 01 Dec 2044 16:00:00 GMT" }, UploadRejectionReason.MetadataMismatch),
        ["website redirect"] = (f => f with { WebsiteRedirectLocation = "https://evil.example/" }, UploadRejectionReason.MetadataMismatch),
        ["extra metadata"] = (f => f with { Metadata = [.. f.Metadata, new("x", "1")] }, UploadRejectionReason.MetadataMismatch),
        ["missing metadata"] = (f => f with { Metadata = [new("app", "demo")] }, UploadRejectionReason.MetadataMismatch),
        ["other metadata value"] = (f => f with { Metadata = [new("app", "demo"), new("album", "winter")] }, UploadRejectionReason.MetadataMismatch),
        ["storage class"] = (f => f with { StorageClass = "GLACIER" }, UploadRejectionReason.MetadataMismatch),
        ["tags"] = (f => f with { TagCount = 1 }, UploadRejectionReason.MetadataMismatch),
    };

    [Theory]
    [MemberData(nameof(MismatchNames))]
    public void Verify_AnyFieldOtherThanGranted_IsRefused(string field)
    {
        var (change, reason) = Mismatches[field];
        var mismatch = StoredObjectCheck.Verify(Ticket(), Profile(), change(Facts()));

        mismatch.Should().NotBeNull(field);
        mismatch!.Reason.Should().Be(reason);
        mismatch.ToException().Code.Should().Be(UploadRejectionCodes.ToCode(reason));
    }

    [Fact]
    public void Verify_PublicMessage_NeverCarriesStoredValues()
    {
        var mismatch = StoredObjectCheck.Verify(Ticket(), Profile(), Facts() with { Size = 3000 })!;
        mismatch.PublicMessage.Should().NotContain("3000");
        mismatch.Detail.Should().Contain("3000", "the operator's log has the facts");

        var encoding = StoredObjectCheck.Verify(Ticket(), Profile(), Facts() with { ContentEncoding = "gzip-secret" })!;
        encoding.PublicMessage.Should().NotContain("gzip-secret");
    }

    [Theory]
    [InlineData("max-age=0", true)]
    [InlineData("no-cache", true)]
    [InlineData(" No-Cache ", true)]
    [InlineData("max-age=0, public", false)]
    [InlineData("public, max-age=31536000", false)]
    [InlineData("no-store", false)]
    public void Verify_NoCacheControlGranted_AcceptsOnlyWhatBrowsersAddToConditionalRequests(string stored, bool accepted)
    {
        var profile = Profile();
        profile.CacheControl = null;
        var mismatch = StoredObjectCheck.Verify(Ticket(), profile, Facts() with { CacheControl = stored });
        (mismatch is null).Should().Be(accepted);

        // a profile that grants a Cache-Control gets exactly it
        StoredObjectCheck.Verify(Ticket(), Profile(), Facts() with { CacheControl = stored }).Should().NotBeNull();
    }

    [Fact]
    public void Verify_NoMetadataGranted_RefusesAnyStoredMetadata()
    {
        var ticket = Ticket() with { MetadataDigest = null };
        StoredObjectCheck.Verify(ticket, Profile(), Facts() with { Metadata = [] }).Should().BeNull();
        StoredObjectCheck.Verify(ticket, Profile(), Facts() with { Metadata = [new("x", "1")] })!.Field.Should().Be("x-amz-meta-*");
    }

    [Fact]
    public void Verify_Multipart_SkipsTheMd5ButChecksTheRest()
    {
        var ticket = Ticket() with { UploadId = "u", PartSize = 8 << 20, ContentMd5 = null };
        StoredObjectCheck.Verify(ticket, Profile(), Facts() with { ETag = "\"abc-3\"" }).Should().BeNull();
        StoredObjectCheck.Verify(ticket, Profile(), Facts() with { ETag = "\"abc-3\"", ContentEncoding = "gzip" }).Should().NotBeNull();
    }

    [Fact]
    public void Verify_GrantedEncryptionAndStorageClass_MustMatchWhereTheStoreTells()
    {
        var profile = Profile();
        profile.ServerSideEncryption = "AES256";
        profile.StorageClass = "STANDARD_IA";
        var facts = Facts() with { ServerSideEncryption = "AES256", StorageClass = "STANDARD_IA" };
        StoredObjectCheck.Verify(Ticket(), profile, facts).Should().BeNull();
        StoredObjectCheck.Verify(Ticket(), profile, facts with { ServerSideEncryption = null }).Should().BeNull("a store that does not report SSE cannot be checked");
        StoredObjectCheck.Verify(Ticket(), profile, facts with { ServerSideEncryption = "aws:kms" })!.Field.Should().Be("x-amz-server-side-encryption");
        StoredObjectCheck.Verify(Ticket(), Profile(), facts with { ServerSideEncryption = "aws:kms", StorageClass = null }).Should().BeNull("without a profile setting the bucket's default applies");
        StoredObjectCheck.Verify(Ticket(), profile, facts with { StorageClass = null })!.Field.Should().Be("x-amz-storage-class");
    }

    [Fact]
    public void MetadataDigest_IsCompactOrderAndCaseInsensitiveForNames()
    {
        Digest.Should().HaveLength(16);
        StoredObjectCheck.MetadataDigest([new("Album", "summer"), new("APP", "demo")]).Should().Be(Digest);
        StoredObjectCheck.MetadataDigest([new("album", "Summer"), new("app", "demo")]).Should().NotBe(Digest);
        StoredObjectCheck.MetadataDigest([new("album", "summer\napp=demo")]).Should().NotBe(Digest);
        StoredObjectCheck.MetadataDigest([]).Should().BeNull();
    }

    private static UploadTicket Ticket() => new()
    {
        Profile = "docs",
        Key = "docs/a.txt",
        Size = 5,
        ContentType = "text/plain;charset=utf-8",
        ContentMd5 = TestServices.HelloMd5,
        MetadataDigest = Digest,
        ExpiresAt = TestServices.Now.AddHours(1),
    };

    private static UploadProfileOptions Profile()
    {
        var p = new UploadProfileOptions { KeyPrefix = "docs/", CacheControl = "private, max-age=60", ContentDisposition = "attachment" };
        p.AllowedContentTypes.Add("text/plain");
        return p;
    }

    private static StoredObjectFacts Facts() => new()
    {
        Size = 5,
        ContentType = "text/plain;charset=utf-8",
        ETag = "\"5d41402abc4b2a76b9719d911017c592\"", // MD5 of "hello"
        Metadata = [new("app", "demo"), new("album", "summer")],
        CacheControl = "private, max-age=60",
        ContentDisposition = "attachment",
    };
}
