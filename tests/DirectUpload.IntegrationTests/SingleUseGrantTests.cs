using System.Net;
using DirectUpload.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.IntegrationTests;

/// <summary>
/// Issue 8, item 4: a grant writes its key once. A replayed PUT grant is refused by S3 itself (signed
/// <c>If-None-Match: *</c>); multipart completion refuses to replace an object already stored under the key.
/// </summary>
[Collection(RealS3.Name)]
public sealed class SingleUseGrantTests
{
    private const long PartSize = 5L * 1024 * 1024;
    private readonly S3Fixture _s3;
    private readonly ITestOutputHelper _output;
    private readonly string _prefix;

    public SingleUseGrantTests(S3Fixture s3, ITestOutputHelper output)
    {
        _s3 = s3;
        _output = output;
        _prefix = s3.NewPrefix("single-use");
    }

    [Fact]
    public async Task ReplayedPutGrant_IsRefusedByTheStoreAndTheConfirmedObjectKeepsItsBytes()
    {
        using var services = _s3.CreateServices(b => b.AddS3PresignedPut("photos", p =>
        {
            p.KeyPrefix = _prefix;
            p.AllowedContentTypes.Add("image/png");
        }));
        using var scope = services.CreateScope();
        var issuer = scope.ServiceProvider.GetRequiredService<IUploadPolicyIssuer>();
        var confirmation = scope.ServiceProvider.GetRequiredService<IUploadConfirmationService>();
        var first = TestData.Bytes(300);
        var grant = await issuer.IssueAsync(new UploadRequest { Profile = "photos", FileName = "a.png", ContentType = "image/png", Size = first.Length });

        (await _s3.Follower.FollowAsync(grant, first)).ShouldSucceed(HttpStatusCode.OK);
        await confirmation.ConfirmAsync(new UploadTokenRequest { Profile = "photos", Token = grant.Token });

        // the same grant again, other bytes of the same size (before: 200 and the confirmed photo silently replaced)
        var replay = await _s3.Follower.FollowAsync(grant, TestData.Bytes(300).Reverse().ToArray());
        _output.WriteLine($"replay → {replay}");
        replay.ShouldBeRefused([412], "PreconditionFailed");
        grant.Headers.Should().Contain("If-None-Match", "*");

        // and dropping the header breaks the signature
        using var withoutHeader = GrantFollower.BuildPut(HttpMethod.Put, grant.Url, grant.Headers.Where(h => h.Key != "If-None-Match"), first);
        (await _s3.Follower.SendAsync(withoutHeader)).ShouldBeRefused([403], "SignatureDoesNotMatch");
        await _s3.ShouldHoldAsync(grant.Key, first, "image/png");
    }

    [Fact]
    public async Task PutGrantWithoutPreventOverwrite_CanReplaceAsBefore()
    {
        using var services = _s3.CreateServices(b => b.AddS3PresignedPut("photos", p =>
        {
            p.KeyPrefix = _prefix;
            p.AllowedContentTypes.Add("image/png");
            p.PreventOverwrite = false;
        }));
        var issuer = services.GetRequiredService<IUploadPolicyIssuer>();
        var grant = await issuer.IssueAsync(new UploadRequest { Profile = "photos", FileName = "a.png", ContentType = "image/png", Size = 50 });
        grant.Headers.Should().NotContainKey("If-None-Match");
        (await _s3.Follower.FollowAsync(grant, TestData.Bytes(50))).ShouldSucceed(HttpStatusCode.OK);
        var second = TestData.Bytes(50).Reverse().ToArray();
        (await _s3.Follower.FollowAsync(grant, second)).ShouldSucceed(HttpStatusCode.OK);
        await _s3.ShouldHoldAsync(grant.Key, second, "image/png");
    }

    [Fact]
    public async Task MultipartCompletionOverAnExistingObject_IsRefusedAndTheObjectIsKept()
    {
        // a custom key strategy that always picks the same key: the object stored first must survive
        using var services = _s3.CreateServices(b => b.AddProfile("big", p =>
        {
            p.Method = UploadMethod.Multipart;
            p.KeyPrefix = _prefix;
            p.KeyStrategy = new FixedKeyStrategy("fixed/video.bin");
            p.AllowedContentTypes.Add("application/octet-stream");
            p.MaxSizeBytes = 64L * 1024 * 1024;
            p.PartSizeBytes = PartSize;
        }));
        using var scope = services.CreateScope();
        var multipart = scope.ServiceProvider.GetRequiredService<IMultipartUploadService>();
        var request = new UploadRequest { Profile = "big", FileName = "v.bin", ContentType = "application/octet-stream", Size = 100 };

        var first = await UploadAsync(multipart, request, TestData.Bytes(100));
        var done = await multipart.CompleteAsync(first.Complete);
        done.Size.Should().Be(100);
        var kept = (await _s3.ReadAsync(done.Key)).Bytes;

        // a second upload to the same key completes only if nothing is stored there (before: the first object was replaced)
        var second = await UploadAsync(multipart, request, TestData.Bytes(100).Reverse().ToArray());
        second.Start.Key.Should().Be(done.Key);
        var act = () => multipart.CompleteAsync(second.Complete);
        (await act.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.ObjectExists);
        (await _s3.ReadAsync(done.Key)).Bytes.Should().Equal(kept, "the object stored first is neither replaced nor deleted");
        await multipart.AbortAsync(new UploadTokenRequest { Profile = "big", Token = second.Start.Token });

        // completing the first upload again stays idempotent
        (await multipart.CompleteAsync(first.Complete)).Size.Should().Be(100);
    }

    private async Task<(MultipartUploadStart Start, MultipartCompleteRequest Complete)> UploadAsync(IMultipartUploadService multipart, UploadRequest request, byte[] body)
    {
        var start = await multipart.StartAsync(request);
        var part = (await multipart.SignPartsAsync(new MultipartPartsRequest { Profile = "big", Token = start.Token, PartNumbers = [1] }))[0];
        using var put = GrantFollower.BuildPut(HttpMethod.Put, part.Url, part.Headers, body);
        var reply = (await _s3.Follower.SendAsync(put)).ShouldSucceed(HttpStatusCode.OK);
        return (start, new MultipartCompleteRequest
        {
            Profile = "big",
            Token = start.Token,
            Parts = [new PartETag { PartNumber = 1, ETag = reply.ETag! }],
        });
    }
}
