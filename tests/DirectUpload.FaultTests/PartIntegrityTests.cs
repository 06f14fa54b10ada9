using System.Net;
using System.Security.Cryptography;
using Amazon.S3.Model;
using DirectUpload.Client;
using DirectUpload.FaultTests.Infrastructure;

#pragma warning disable CA5351 // Content-MD5 and S3 ETags are MD5 by definition.

namespace DirectUpload.FaultTests;

/// <summary>Issue 10: per-part Content-MD5 against the real RGW: signed into each part URL, enforced by the store.</summary>
[Collection(PrivateRgwTests.Name)]
public sealed class PartIntegrityTests(PrivateRgw rgw)
{
    private readonly string _prefix = $"integrity/{Guid.NewGuid():N}/";
    private readonly string _tokenKey = UploadHost.NewTokenKey();

    [Fact]
    public async Task Upload_WithPartMd5s_StoresPartsWhoseETagsAreTheirMd5s()
    {
        await using var host = await UploadHost.StartAsync(rgw, _tokenKey, _prefix);
        using var file = new TestFile((2 * UploadHost.PartSize) + 999);
        using var api = new HttpClient { BaseAddress = host.Address };
        MultipartSession? session = null;
        var options = new UploadOptions
        {
            MultipartThresholdBytes = 0,
            ComputePartMd5 = true,
            OnMultipartStarted = s =>
            {
                session = s;
                return ValueTask.CompletedTask;
            },
        };

        var result = await new DirectUploadClient(api).UploadAsync(UploadHost.CheckedProfile, file.Path, "application/octet-stream", options);

        var bytes = await File.ReadAllBytesAsync(file.Path);
        var partMd5s = Enumerable.Range(0, 3).Select(i => bytes.AsSpan((int)(i * UploadHost.PartSize), (int)Math.Min(UploadHost.PartSize, bytes.Length - (i * UploadHost.PartSize))).ToArray()).Select(MD5.HashData).ToList();
        var expected = $"\"{Convert.ToHexStringLower(MD5.HashData(partMd5s.SelectMany(d => d).ToArray()))}-3\"";
        result.ETag.Should().Be(expected, "the object is made of exactly the parts the client hashed");
        session.Should().NotBeNull();
    }

    [Fact]
    public async Task PartWhoseBytesDifferFromItsSignedMd5_IsRefusedByTheStoreWithBadDigest()
    {
        await using var host = await UploadHost.StartAsync(rgw, _tokenKey, _prefix);
        using var api = new HttpClient { BaseAddress = host.Address };
        var client = new DirectUploadClient(api);
        var session = await client.StartMultipartAsync(UploadHost.Profile, new DirectUpload.Client.UploadRequest { FileName = "c.bin", ContentType = "application/octet-stream", Size = UploadHost.PartSize + 10 });
        var part = RandomNumberGenerator.GetBytes((int)UploadHost.PartSize);
        var corrupted = part.ToArray();
        corrupted[12345] ^= 0x01;
        var grant = (await client.SignPartsAsync(UploadHost.Profile, session.Token, [1], new Dictionary<int, string> { [1] = Convert.ToBase64String(MD5.HashData(part)) }))[0];
        grant.Headers.Should().ContainKey("Content-MD5");

        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, grant.Url) { Content = new ByteArrayContent(corrupted) };
        request.Content!.Headers.TryAddWithoutValidation("Content-MD5", grant.Headers["Content-MD5"]);
        using var response = await http.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("<Code>BadDigest</Code>");
        var listed = await rgw.S3.ListPartsAsync(new ListPartsRequest { BucketName = rgw.Bucket, Key = session.Key, UploadId = session.UploadId });
        (listed.Parts ?? []).Should().BeEmpty("nothing was stored for the corrupted part");
        await client.AbortMultipartAsync(UploadHost.Profile, session.Token);
    }

    [Fact]
    public async Task ProfileRequiringMd5_RefusesToSignAPartWithoutOne_AndTheClientThenSendsPartMd5s()
    {
        await using var host = await UploadHost.StartAsync(rgw, _tokenKey, _prefix);
        using var api = new HttpClient { BaseAddress = host.Address };
        var client = new DirectUploadClient(api);
        var session = await client.StartMultipartAsync(UploadHost.CheckedProfile, new DirectUpload.Client.UploadRequest { FileName = "r.bin", ContentType = "application/octet-stream", Size = UploadHost.PartSize + 10 });

        var act = () => client.SignPartsAsync(UploadHost.CheckedProfile, session.Token, [1, 2], new Dictionary<int, string> { [1] = Convert.ToBase64String(MD5.HashData([1])) });

        (await act.Should().ThrowAsync<DirectUploadClientException>()).Which.Code.Should().Be("content_md5_required");
        await client.AbortMultipartAsync(UploadHost.CheckedProfile, session.Token);

        // the client's default (no part MD5) meets the refusal and turns part MD5s on by itself
        using var file = new TestFile(UploadHost.PartSize + 10);
        var result = await client.UploadAsync(UploadHost.CheckedProfile, file.Path, "application/octet-stream", new UploadOptions { MultipartThresholdBytes = 0 });
        result.Size.Should().Be(UploadHost.PartSize + 10);
    }
}
