using Amazon;
using Amazon.S3;
using Amazon.S3.Model;
using DirectUpload.Internal;
using DirectUpload.Tests.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace DirectUpload.Tests.Security;

/// <summary>
/// Issue 8, item 2: tokens signed with the configured key but naming what the profile could not have issued are refused
/// by every token-bearing entry point before any signing, HEAD or delete (a strict mock answers nothing, and the counting
/// credentials show nothing was signed).
/// </summary>
public sealed class TokenGuardTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly Mock<IAmazonS3> _client = new(MockBehavior.Strict);
    private readonly CountingCredentials _credentials = new(TestServices.AccessKey, TestServices.SecretKey);
    private readonly ServiceProvider _services;
    private readonly IServiceScope _scope;
    private readonly IUploadTokenService _tokens;
    private readonly IUploadConfirmationService _confirmation;
    private readonly IMultipartUploadService _multipart;

    public TokenGuardTests()
    {
        _client.Setup(c => c.Config).Returns(new AmazonS3Config { RegionEndpoint = RegionEndpoint.USEast1, DefaultAWSCredentials = _credentials });
        _services = TestServices.Build(
            b => b
                .AddS3PresignedPut("photos", p =>
                {
                    p.KeyPrefix = "photos/";
                    p.AllowedContentTypes.Add("image/png");
                    p.ScopeToOwner = true;
                })
                .AddS3PresignedPost("documents", p =>
                {
                    p.KeyPrefix = "documents/";
                    p.AllowedContentTypes.Add("text/plain");
                })
                .AddProfile("large", p =>
                {
                    p.Method = UploadMethod.Multipart;
                    p.KeyPrefix = "large/";
                    p.AllowedContentTypes.Add("*/*");
                    p.MaxSizeBytes = 1L << 40;
                }),
            _client.Object);
        _scope = _services.CreateScope();
        _tokens = _scope.ServiceProvider.GetRequiredService<IUploadTokenService>();
        _confirmation = _scope.ServiceProvider.GetRequiredService<IUploadConfirmationService>();
        _multipart = _scope.ServiceProvider.GetRequiredService<IMultipartUploadService>();
    }

    public void Dispose()
    {
        _scope.Dispose();
        _services.Dispose();
    }

    public static TheoryData<string> ForgedConfirmations => [.. Confirmations.Keys];

    private static readonly Dictionary<string, (string Profile, string? Caller, UploadTicket Ticket)> Confirmations = new()
    {
        ["another owner's folder"] = ("photos", "mallory", Single("photos", "photos/users/alice/x.png", "mallory", "image/png")),
        ["owner-scoped profile, no owner"] = ("photos", null, Single("photos", "photos/users/alice/x.png", null, "image/png")),
        ["outside the prefix"] = ("photos", "mallory", Single("photos", "documents/users/mallory/x.png", "mallory", "image/png")),
        ["dot segments"] = ("photos", "mallory", Single("photos", "photos/users/mallory/../alice/x.png", "mallory", "image/png")),
        ["photo into documents"] = ("documents", null, Single("documents", "photos/users/alice/x.png", null, "text/plain")),
        ["bucket root"] = ("documents", null, Single("documents", "secret.txt", null, "text/plain")),
        ["control character"] = ("documents", null, Single("documents", "documents/a\u0001.txt", null, "text/plain")),
        ["type not allowed"] = ("documents", null, Single("documents", "documents/a.html", null, "text/html")),
        ["comma type"] = ("documents", null, Single("documents", "documents/a.txt", null, "text/plain;a=,text/html")),
        ["size above the profile"] = ("documents", null, Single("documents", "documents/a.txt", null, "text/plain") with { Size = 1L << 40 }),
    };

    [Theory]
    [MemberData(nameof(ForgedConfirmations))]
    public async Task Confirm_ForgedToken_TouchesNothing(string name)
    {
        var (profile, caller, ticket) = Confirmations[name];
        var act = () => _confirmation.ConfirmAsync(new UploadTokenRequest { Profile = profile, Token = _tokens.CreateToken(ticket), OwnerId = caller });

        var e = (await act.Should().ThrowAsync<UploadRejectedException>()).Which;
        e.Reason.Should().BeOneOf(UploadRejectionReason.Forbidden, UploadRejectionReason.InvalidToken);
        e.Message.Should().NotContain(ticket.Key);
        NothingTouched();
    }

    public static TheoryData<string> ForgedMultipartTokens => [.. MultipartTickets.Keys];

    private static readonly Dictionary<string, UploadTicket> MultipartTickets = new()
    {
        ["outside the prefix"] = Multipart("photos/users/alice/x.png", 8 * MiB),
        ["bucket root"] = Multipart("x.bin", 8 * MiB),
        ["part size zero"] = Multipart("large/x.bin", 0),
        ["part size below 5 MiB"] = Multipart("large/x.bin", 1),
        ["more than 10,000 parts"] = Multipart("large/x.bin", 5 * MiB) with { Size = 10_001 * 5 * MiB },
    };

    [Theory]
    [MemberData(nameof(ForgedMultipartTokens))]
    public async Task Multipart_ForgedToken_SignsListsCompletesAndAbortsNothing(string name)
    {
        var token = _tokens.CreateToken(MultipartTickets[name]);

        var sign = () => _multipart.SignPartsAsync(new MultipartPartsRequest { Profile = "large", Token = token, PartNumbers = [1] }).AsTask();
        (await sign.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
        var list = () => _multipart.ListPartsAsync(new UploadTokenRequest { Profile = "large", Token = token });
        (await list.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
        var complete = () => _multipart.CompleteAsync(new MultipartCompleteRequest { Profile = "large", Token = token, Parts = [new PartETag { PartNumber = 1, ETag = "e" }] });
        (await complete.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
        var abort = () => _multipart.AbortAsync(new UploadTokenRequest { Profile = "large", Token = token });
        (await abort.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);

        NothingTouched();
    }

    [Fact]
    public async Task Confirm_SizeMismatch_DoesNotTellTheCallerTheStoredSize()
    {
        var ticket = Single("documents", "documents/a.txt", null, "text/plain");
        _client.Setup(c => c.GetObjectMetadataAsync(It.IsAny<GetObjectMetadataRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Head(3000, "text/plain"));
        _client.Setup(c => c.DeleteObjectAsync(TestServices.Bucket, "documents/a.txt", It.IsAny<CancellationToken>())).ReturnsAsync(new DeleteObjectResponse());

        var act = () => _confirmation.ConfirmAsync(new UploadTokenRequest { Profile = "documents", Token = _tokens.CreateToken(ticket) });

        var e = (await act.Should().ThrowAsync<UploadRejectedException>()).Which;
        e.Reason.Should().Be(UploadRejectionReason.SizeMismatch);
        e.Message.Should().NotContain("3000").And.NotContain("7");
        _client.Verify(c => c.DeleteObjectAsync(TestServices.Bucket, "documents/a.txt", It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Confirm_ValidToken_StillConfirms()
    {
        var ticket = Single("photos", "photos/users/alice/x.png", "alice", "image/png");
        _client.Setup(c => c.GetObjectMetadataAsync(It.IsAny<GetObjectMetadataRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Head(7, "image/png"));
        // the completion ledger (an empty one: the hooks run)
        _client.Setup(c => c.ListObjectsV2Async(It.IsAny<ListObjectsV2Request>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new ListObjectsV2Response { S3Objects = [] });
        _client.Setup(c => c.PutObjectAsync(It.IsAny<PutObjectRequest>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new PutObjectResponse());

        var confirmed = await _confirmation.ConfirmAsync(new UploadTokenRequest { Profile = "photos", Token = _tokens.CreateToken(ticket), OwnerId = "alice" });

        confirmed.Key.Should().Be("photos/users/alice/x.png");
    }

    [Fact]
    public async Task SignParts_AboveMaxPartUrlsPerRequest_IsRefusedBeforeSigning()
    {
        var token = _tokens.CreateToken(Multipart("large/x.bin", 5 * MiB) with { Size = 500 * 5 * MiB });

        var tooMany = () => _multipart.SignPartsAsync(new MultipartPartsRequest { Profile = "large", Token = token, PartNumbers = [.. Enumerable.Range(1, 101)] }).AsTask();
        (await tooMany.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.InvalidPartNumber);
        _credentials.Calls.Should().Be(0);

        (await _multipart.SignPartsAsync(new MultipartPartsRequest { Profile = "large", Token = token, PartNumbers = [.. Enumerable.Range(1, 100)] })).Should().HaveCount(100);
    }

    [Fact]
    public async Task SignParts_KeyNamedBesideTheToken_MustBeTheTokensKey()
    {
        var token = _tokens.CreateToken(Multipart("large/x.bin", 5 * MiB) with { Size = 3 * 5 * MiB });

        foreach (var other in new[] { "large/y.bin", string.Empty, "LARGE/x.bin" })
        {
            var act = () => _multipart.SignPartsAsync(new MultipartPartsRequest { Profile = "large", Token = token, Key = other, PartNumbers = [1] }).AsTask();
            (await act.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);
        }

        _credentials.Calls.Should().Be(0, "nothing is signed for a key the token does not name");
        (await _multipart.SignPartsAsync(new MultipartPartsRequest { Profile = "large", Token = token, Key = "large/x.bin", PartNumbers = [1] })).Should().HaveCount(1);
    }

    [Fact]
    public void Problem_OwnerFolderUsesTheEncodedOwner()
    {
        var profile = new UploadProfileOptions { KeyPrefix = "p/", ScopeToOwner = true };
        profile.AllowedContentTypes.Add("*/*");
        var folder = "p/users/" + ObjectKeys.EncodeOwnerSegment("a/b") + "/";
        var resolved = new ResolvedProfile("x", profile, "bucket", s3: null, signer: null);
        TokenGuard.Problem(Single("x", folder + "k", "a/b", "image/png"), resolved, "a/b", multipart: false).Should().BeNull();
        TokenGuard.Problem(Single("x", "p/users/a/b/k", "a/b", "image/png"), resolved, "a/b", multipart: false).Should().NotBeNull();
    }

    private void NothingTouched()
    {
        _credentials.Calls.Should().Be(0, "nothing may be signed for a forged token");
        _client.Verify(c => c.GetObjectMetadataAsync(It.IsAny<GetObjectMetadataRequest>(), It.IsAny<CancellationToken>()), Times.Never);
        _client.Verify(c => c.DeleteObjectAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        _client.Verify(c => c.DeleteObjectAsync(It.IsAny<DeleteObjectRequest>(), It.IsAny<CancellationToken>()), Times.Never);
        _client.Verify(c => c.ListPartsAsync(It.IsAny<ListPartsRequest>(), It.IsAny<CancellationToken>()), Times.Never);
        _client.Verify(c => c.AbortMultipartUploadAsync(It.IsAny<AbortMultipartUploadRequest>(), It.IsAny<CancellationToken>()), Times.Never);
        _client.Verify(c => c.CompleteMultipartUploadAsync(It.IsAny<CompleteMultipartUploadRequest>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    private static UploadTicket Single(string profile, string key, string? owner, string type) => new()
    {
        Profile = profile,
        Key = key,
        OwnerId = owner,
        Size = 7,
        ContentType = type,
        ExpiresAt = TestServices.Now.AddHours(1),
    };

    private static UploadTicket Multipart(string key, long partSize) => new()
    {
        Profile = "large",
        Key = key,
        Size = 20 * MiB,
        ContentType = "application/octet-stream",
        ExpiresAt = TestServices.Now.AddHours(1),
        UploadId = "upload-1",
        PartSize = partSize,
    };

    private static GetObjectMetadataResponse Head(long size, string type)
    {
        var head = new GetObjectMetadataResponse { ContentLength = size, ETag = "\"e\"" };
        head.Headers.ContentType = type;
        return head;
    }
}
