using System.Net;
using System.Security.Cryptography;
using Amazon.S3.Model;
using DirectUpload.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.IntegrationTests;

/// <summary>
/// Multipart uploads against the real S3: parts signed just in time and sent in parallel with a plain HttpClient,
/// resume, abort, parts larger than signed, and tokens bound to their owner.
/// </summary>
[Collection(RealS3.Name)]
public sealed class MultipartUploadTests : IDisposable
{
    private const long PartSize = 8L * 1024 * 1024;
    private readonly S3Fixture _s3;
    private readonly ITestOutputHelper _output;
    private readonly string _prefix;
    private readonly ServiceProvider _services;
    private readonly IServiceScope _scope;
    private readonly IMultipartUploadService _multipart;

    public MultipartUploadTests(S3Fixture s3, ITestOutputHelper output)
    {
        _s3 = s3;
        _output = output;
        _prefix = s3.NewPrefix("multipart");
        _services = s3.CreateServices(b => b
            .AddProfile("big", p =>
            {
                p.Method = UploadMethod.Multipart;
                p.KeyPrefix = _prefix;
                p.ScopeToOwner = true;
                p.AllowedContentTypes.Add("video/*");
                p.MinSizeBytes = 1;
                p.MaxSizeBytes = 30L * 1024 * 1024 * 1024;
                p.PartSizeBytes = PartSize;
                p.Metadata["app"] = "directupload-it";
            })
            .AddProfile("auto", p =>
            {
                p.Method = UploadMethod.Auto;
                p.KeyPrefix = _prefix + "auto/";
                p.AllowedContentTypes.Add("*/*");
                p.MaxSizeBytes = 30L * 1024 * 1024 * 1024;
                p.MultipartThresholdBytes = 10L * 1024 * 1024;
                p.PartSizeBytes = PartSize;
            }));
        _scope = _services.CreateScope();
        _multipart = _scope.ServiceProvider.GetRequiredService<IMultipartUploadService>();
    }

    public void Dispose()
    {
        _scope.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task UploadOf64MiBIn8ParallelParts_CompletesWithTheDeclaredSizeAndBytes()
    {
        var body = RandomNumberGenerator.GetBytes((int)(8 * PartSize));
        var start = await _multipart.StartAsync(Request("alice", body.Length));
        start.PartCount.Should().Be(8);
        start.PartSize.Should().Be(PartSize);
        start.Key.Should().StartWith(_prefix + "users/alice/");

        var grants = await _multipart.SignPartsAsync(Parts(start, "alice", Enumerable.Range(1, 8)));
        grants.Select(g => g.PartNumber).Should().Equal(Enumerable.Range(1, 8));
        grants.Should().OnlyContain(g => g.Headers["Content-Length"] == PartSize.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // all eight parts at once, as a browser or the .NET client would send them
        var etags = await Task.WhenAll(grants.Select(g => PutPartAsync(g, body)));

        var done = await _multipart.CompleteAsync(new MultipartCompleteRequest
        {
            Profile = "big",
            Token = start.Token,
            OwnerId = "alice",
            Parts = etags.Select((etag, i) => new PartETag { PartNumber = i + 1, ETag = etag }).ToList(),
        });

        done.Key.Should().Be(start.Key);
        done.Size.Should().Be(body.Length);
        done.ContentType.Should().Be("video/mp4");
        using var stored = await _s3.S3.GetObjectAsync(_s3.Bucket, start.Key);
        stored.Metadata["x-amz-meta-app"].Should().Be("directupload-it");
        using var buffer = new MemoryStream();
        await stored.ResponseStream.CopyToAsync(buffer);
        buffer.ToArray().Should().Equal(body, "the reassembled object must be byte-exact");
    }

    [Fact]
    public async Task InterruptedUpload_ResumesByListingPartsAndSendingOnlyTheMissingOnes()
    {
        var body = RandomNumberGenerator.GetBytes((int)(3 * PartSize) + 12345); // 4 parts, the last one short
        var start = await _multipart.StartAsync(Request("alice", body.Length));
        start.PartCount.Should().Be(4);

        var first = await _multipart.SignPartsAsync(Parts(start, "alice", [1, 2, 3, 4]));
        await PutPartAsync(first[0], body);
        await PutPartAsync(first[2], body);

        // part 2 is interrupted half-way: the connection drops after some bytes, so S3 never stores it
        using (var cts = new CancellationTokenSource())
        {
            var slow = new ThrottledContent(Slice(body, first[1]), cancelAfterBytes: 1024 * 1024, cts);
            using var request = new HttpRequestMessage(HttpMethod.Put, first[1].Url) { Content = slow };
            var act = () => _s3.Http.SendAsync(request, cts.Token);
            await act.Should().ThrowAsync<OperationCanceledException>();
        }

        // resume: a new session of the client only has the token
        var listed = await _multipart.ListPartsAsync(new UploadTokenRequest { Profile = "big", Token = start.Token, OwnerId = "alice" });
        listed.Select(p => p.PartNumber).Should().Equal(1, 3);
        listed.Single(p => p.PartNumber == 1).Size.Should().Be(PartSize);

        var missing = Enumerable.Range(1, start.PartCount).Except(listed.Select(p => p.PartNumber)).ToList();
        missing.Should().Equal(2, 4);
        var resumed = await _multipart.SignPartsAsync(Parts(start, "alice", missing));
        foreach (var grant in resumed)
        {
            await PutPartAsync(grant, body);
        }

        var all = await _multipart.ListPartsAsync(new UploadTokenRequest { Profile = "big", Token = start.Token, OwnerId = "alice" });
        var done = await _multipart.CompleteAsync(new MultipartCompleteRequest
        {
            Profile = "big",
            Token = start.Token,
            OwnerId = "alice",
            Parts = all.Select(p => new PartETag { PartNumber = p.PartNumber, ETag = p.ETag }).ToList(),
        });
        done.Size.Should().Be(body.Length);

        // completing again (a client retry) is idempotent
        var again = await _multipart.CompleteAsync(new MultipartCompleteRequest
        {
            Profile = "big",
            Token = start.Token,
            OwnerId = "alice",
            Parts = all.Select(p => new PartETag { PartNumber = p.PartNumber, ETag = p.ETag }).ToList(),
        });
        again.Size.Should().Be(body.Length);
        again.Key.Should().Be(done.Key);
    }

    [Fact]
    public async Task Abort_LeavesNoUploadBehind()
    {
        var body = RandomNumberGenerator.GetBytes((int)(2 * PartSize));
        var start = await _multipart.StartAsync(Request("alice", body.Length));
        var grants = await _multipart.SignPartsAsync(Parts(start, "alice", [1]));
        await PutPartAsync(grants[0], body);
        (await UploadIdsUnderPrefixAsync()).Should().Contain(start.UploadId);

        await _multipart.AbortAsync(new UploadTokenRequest { Profile = "big", Token = start.Token, OwnerId = "alice" });

        (await UploadIdsUnderPrefixAsync()).Should().NotContain(start.UploadId, "ListMultipartUploads must not show an aborted upload");
        var list = () => _multipart.ListPartsAsync(new UploadTokenRequest { Profile = "big", Token = start.Token, OwnerId = "alice" });
        (await list.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.ObjectNotFound);

        // aborting twice is harmless
        await _multipart.AbortAsync(new UploadTokenRequest { Profile = "big", Token = start.Token, OwnerId = "alice" });
    }

    [Fact]
    public async Task PartLargerOrSmallerThanSigned_IsRefusedByS3()
    {
        var body = RandomNumberGenerator.GetBytes((int)(2 * PartSize));
        var start = await _multipart.StartAsync(Request("alice", body.Length));
        var grant = (await _multipart.SignPartsAsync(Parts(start, "alice", [1])))[0];

        var larger = await SendPartAsync(grant.Url, body.AsSpan(0, (int)PartSize + 1).ToArray());
        _output.WriteLine($"larger part: {larger}");
        larger.StatusCode.Should().BeOneOf(400, 403);
        larger.Code.Should().BeOneOf("SignatureDoesNotMatch", "AccessDenied", "BadRequest", "IncompleteBody");

        var smaller = await SendPartAsync(grant.Url, body.AsSpan(0, (int)PartSize - 1).ToArray());
        _output.WriteLine($"smaller part: {smaller}");
        smaller.StatusCode.Should().BeOneOf(400, 403);

        var listed = await _multipart.ListPartsAsync(new UploadTokenRequest { Profile = "big", Token = start.Token, OwnerId = "alice" });
        listed.Should().BeEmpty("no part of the wrong size may be stored");
        await _multipart.AbortAsync(new UploadTokenRequest { Profile = "big", Token = start.Token, OwnerId = "alice" });
    }

    [Fact]
    public async Task SecondOwner_CannotSignListCompleteOrAbortTheFirstOwnersUpload()
    {
        var start = await _multipart.StartAsync(Request("alice", 2 * PartSize));

        var sign = () => _multipart.SignPartsAsync(Parts(start, "mallory", [1])).AsTask();
        (await sign.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.Forbidden);
        var anonymous = () => _multipart.SignPartsAsync(Parts(start, null, [1])).AsTask();
        (await anonymous.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.Forbidden);
        var list = () => _multipart.ListPartsAsync(new UploadTokenRequest { Profile = "big", Token = start.Token, OwnerId = "mallory" });
        (await list.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.Forbidden);
        var abort = () => _multipart.AbortAsync(new UploadTokenRequest { Profile = "big", Token = start.Token, OwnerId = "mallory" });
        (await abort.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.Forbidden);

        // the upload is untouched and still the owner's
        (await UploadIdsUnderPrefixAsync()).Should().Contain(start.UploadId);
        await _multipart.AbortAsync(new UploadTokenRequest { Profile = "big", Token = start.Token, OwnerId = "alice" });
    }

    [Fact]
    public async Task TamperedTokenOutOfRangePartAndMissingParts_AreRefused()
    {
        var body = RandomNumberGenerator.GetBytes((int)(2 * PartSize));
        var start = await _multipart.StartAsync(Request("alice", body.Length));

        var tampered = start.Token[..^2] + (start.Token[^2] == 'A' ? "B" : "A") + start.Token[^1];
        var withTampered = () => _multipart.SignPartsAsync(new MultipartPartsRequest { Profile = "big", Token = tampered, OwnerId = "alice", PartNumbers = [1] }).AsTask();
        (await withTampered.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);

        foreach (var bad in new[] { 0, 3, -1, 10_001 })
        {
            var outOfRange = () => _multipart.SignPartsAsync(Parts(start, "alice", [bad])).AsTask();
            (await outOfRange.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.InvalidPartNumber);
        }

        var grants = await _multipart.SignPartsAsync(Parts(start, "alice", [1]));
        var etag = await PutPartAsync(grants[0], body);
        var incomplete = () => _multipart.CompleteAsync(new MultipartCompleteRequest
        {
            Profile = "big",
            Token = start.Token,
            OwnerId = "alice",
            Parts = [new PartETag { PartNumber = 1, ETag = etag }, new PartETag { PartNumber = 2, ETag = "\"0123456789abcdef0123456789abcdef\"" }],
        });
        (await incomplete.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.InvalidParts);

        // a single-upload token is not a multipart token, and the other way round
        var singleUploadToken = _scope.ServiceProvider.GetRequiredService<IUploadTokenService>().CreateToken(new UploadTicket
        {
            Profile = "big", Key = start.Key, OwnerId = "alice", Size = body.Length, ContentType = "video/mp4", ExpiresAt = start.ExpiresAt,
        });
        var wrongKind = () => _multipart.SignPartsAsync(new MultipartPartsRequest { Profile = "big", Token = singleUploadToken, OwnerId = "alice", PartNumbers = [1] }).AsTask();
        (await wrongKind.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.InvalidToken);

        await _multipart.AbortAsync(new UploadTokenRequest { Profile = "big", Token = start.Token, OwnerId = "alice" });
    }

    [Fact]
    public async Task AutoProfile_IssuesAPutBelowTheThresholdAndMultipartFromIt()
    {
        var issuer = _scope.ServiceProvider.GetRequiredService<IUploadPolicyIssuer>();
        var small = await issuer.IssueAsync(new UploadRequest { Profile = "auto", FileName = "a.bin", ContentType = "application/octet-stream", Size = 1000 });
        small.Method.Should().Be("PUT");

        var large = () => issuer.IssueAsync(new UploadRequest { Profile = "auto", FileName = "a.bin", ContentType = "application/octet-stream", Size = 11L * 1024 * 1024 }).AsTask();
        (await large.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.MethodNotAllowed);

        var start = await _multipart.StartAsync(new UploadRequest { Profile = "auto", FileName = "a.bin", ContentType = "application/octet-stream", Size = 11L * 1024 * 1024 });
        start.PartCount.Should().Be(2);
        await _multipart.AbortAsync(new UploadTokenRequest { Profile = "auto", Token = start.Token });
    }

    [Fact]
    public async Task SingleRequestProfile_CannotStartMultipart()
    {
        using var services = _s3.CreateServices(b => b.AddS3PresignedPut("put", p => p.AllowedContentTypes.Add("*/*")));
        using var scope = services.CreateScope();
        var multipart = scope.ServiceProvider.GetRequiredService<IMultipartUploadService>();
        var act = () => multipart.StartAsync(new UploadRequest { Profile = "put", FileName = "a.bin", ContentType = "application/octet-stream", Size = 100 });
        (await act.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.MethodNotAllowed);
    }

    private static UploadRequest Request(string owner, long size) =>
        new() { Profile = "big", FileName = "Holiday Video.MP4", ContentType = "video/mp4", Size = size, OwnerId = owner };

    private static MultipartPartsRequest Parts(MultipartUploadStart start, string? owner, IEnumerable<int> numbers) =>
        new() { Profile = "big", Token = start.Token, OwnerId = owner, PartNumbers = numbers.ToList() };

    private static byte[] Slice(byte[] body, MultipartPartGrant grant) =>
        body.AsSpan((int)((grant.PartNumber - 1) * PartSize), (int)grant.Size).ToArray();

    private async Task<string> PutPartAsync(MultipartPartGrant grant, byte[] body)
    {
        var reply = await SendPartAsync(grant.Url, Slice(body, grant));
        reply.ShouldSucceed(HttpStatusCode.OK);
        reply.ETag.Should().NotBeNullOrEmpty();
        return reply.ETag!;
    }

    private async Task<S3Reply> SendPartAsync(string url, byte[] bytes)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(bytes) };
        using var response = await _s3.Http.SendAsync(request);
        return S3Reply.From(request, response, await response.Content.ReadAsStringAsync());
    }

    private async Task<List<string>> UploadIdsUnderPrefixAsync()
    {
        var uploads = await _s3.S3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = _s3.Bucket, Prefix = _prefix });
        return (uploads.MultipartUploads ?? []).Select(u => u.UploadId).ToList();
    }

    /// <summary>A body that stops (cancels the request) after some bytes, like a dropped connection.</summary>
    private sealed class ThrottledContent(byte[] bytes, int cancelAfterBytes, CancellationTokenSource cts) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(bytes.AsMemory(0, cancelAfterBytes));
            await stream.FlushAsync();
            await cts.CancelAsync();
            await Task.Delay(Timeout.Infinite, cts.Token);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
