using System.Diagnostics;
using System.Security.Cryptography;
using Amazon.S3.Model;
using DirectUpload.Client;
using DirectUpload.FaultTests.Infrastructure;

namespace DirectUpload.FaultTests;

/// <summary>
/// Issue 10: uploads that survive real faults. The .NET client, a real host (Kestrel) and a private Ceph RGW whose radosgw
/// the tests kill, pause and restart by PID. Every upload ends byte-exact (SHA-256 of the stored object).
/// </summary>
[Collection(PrivateRgwTests.Name)]
public sealed class ResumeUnderFaultTests(PrivateRgw rgw, ITestOutputHelper output)
{
    private const long FileSize = (9 * UploadHost.PartSize) + 12345; // 10 parts

    private readonly string _prefix = $"fault/{Guid.NewGuid():N}/";
    private readonly string _tokenKey = UploadHost.NewTokenKey();

    [Fact]
    public async Task RadosgwKilledMidUpload_UploadFails_ThenResumeAfterRestartSendsOnlyMissingPartsAndIsByteExact()
    {
        await using var host = await UploadHost.StartAsync(rgw, _tokenKey, _prefix);
        using var file = new TestFile(FileSize);
        using var storage = new HttpClient(new FaultBeforeRequest(4, () => rgw.RadosgwAsync("kill"))) { Timeout = Timeout.InfiniteTimeSpan };
        using var api = new HttpClient { BaseAddress = host.Address };
        var client = new DirectUploadClient(api, storage);
        MultipartSession? session = null;
        var options = Options(o => o.OnMultipartStarted = s =>
        {
            session = s;
            return ValueTask.CompletedTask;
        });

        try
        {
            var act = () => client.UploadAsync(UploadHost.Profile, file.Path, "application/octet-stream", options);

            var error = (await act.Should().ThrowAsync<Exception>()).Which;
            output.WriteLine($"with radosgw killed: {error.GetType().Name} {(error as DirectUploadClientException)?.Code} {error.Message}");
            error.Should().Match<Exception>(e => e is HttpRequestException || (e is DirectUploadClientException && ((DirectUploadClientException)e).IsStorageError));
        }
        finally
        {
            await rgw.RadosgwAsync("start");
        }

        var stored = await StoredPartsAsync(session!);
        output.WriteLine($"parts stored before the kill: {string.Join(",", stored)}");
        stored.Should().NotBeEmpty().And.HaveCountLessThan(session!.PartCount);
        var before = ((FaultBeforeRequest)GetHandler(storage)).Count;

        var result = await client.ResumeMultipartAsync(UploadHost.Profile, session, file.Path, Options());

        ((FaultBeforeRequest)GetHandler(storage)).Count.Should().Be(before + session.PartCount - stored.Count, "only the missing parts are sent again");
        result.Size.Should().Be(FileSize);
        (await StoredSha256Async(result.Key)).Should().Be(file.Sha256);
    }

    [Fact]
    public async Task RadosgwHangsMidUpload_FailsWithStorageStalledWithinTheStallTimeout_ThenResumeCompletes()
    {
        await using var host = await UploadHost.StartAsync(rgw, _tokenKey, _prefix);
        using var file = new TestFile(FileSize);
        using var storage = new HttpClient(new FaultBeforeRequest(3, () => rgw.RadosgwAsync("pause"))) { Timeout = Timeout.InfiniteTimeSpan };
        using var api = new HttpClient { BaseAddress = host.Address };
        var client = new DirectUploadClient(api, storage);
        MultipartSession? session = null;
        var options = Options(o =>
        {
            o.StallTimeout = TimeSpan.FromSeconds(2);
            o.MaxRetries = 1;
            o.OnMultipartStarted = s =>
            {
                session = s;
                return ValueTask.CompletedTask;
            };
        });
        var clock = Stopwatch.StartNew();

        try
        {
            var act = () => client.UploadAsync(UploadHost.Profile, file.Path, "application/octet-stream", options);

            var error = (await act.Should().ThrowAsync<DirectUploadClientException>()).Which;
            output.WriteLine($"with radosgw paused: {error.Code} after {clock.Elapsed.TotalSeconds:F1} s: {error.Detail}");
            error.Code.Should().Be(DirectUploadErrorCodes.StorageStalled);
            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(20), "two attempts of a 2 s stall timeout, plus backoff");
        }
        finally
        {
            await rgw.RadosgwAsync("resume");
        }

        var result = await client.ResumeMultipartAsync(UploadHost.Profile, session!, file.Path, Options());

        result.Size.Should().Be(FileSize);
        (await StoredSha256Async(result.Key)).Should().Be(file.Sha256);
    }

    [Fact]
    public async Task AppRestartedMidUpload_ResumeFromThePersistedSessionOnTheNewInstanceCompletes()
    {
        var first = await UploadHost.StartAsync(rgw, _tokenKey, _prefix);
        using var file = new TestFile(FileSize);
        var sessionFile = file.Path + ".session.json";
        using var storage = new HttpClient(new FaultBeforeRequest(4, () => first.DisposeAsync().AsTask())) { Timeout = Timeout.InfiniteTimeSpan };
        string persisted;
        using (var api = new HttpClient { BaseAddress = first.Address })
        {
            var client = new DirectUploadClient(api, storage);
            var options = Options(o => o.OnMultipartStarted = async s => await File.WriteAllTextAsync(sessionFile, s.ToJson()));

            var act = () => client.UploadAsync(UploadHost.Profile, file.Path, "application/octet-stream", options);

            var error = (await act.Should().ThrowAsync<Exception>()).Which;
            output.WriteLine($"with the app stopped: {error.GetType().Name}: {error.Message}");
            error.Should().BeOfType<HttpRequestException>("the host is gone: part signing cannot be reached");
            persisted = await File.ReadAllTextAsync(sessionFile);
        }

        // a new process of the app (same configuration, same token key), on another port
        await using var second = await UploadHost.StartAsync(rgw, _tokenKey, _prefix);
        using var api2 = new HttpClient { BaseAddress = second.Address };
        var session = MultipartSession.FromJson(persisted);
        File.Delete(sessionFile);
        (await StoredPartsAsync(session)).Should().NotBeEmpty();

        var result = await new DirectUploadClient(api2, storage).ResumeMultipartAsync(UploadHost.Profile, session, file.Path, Options());

        result.Size.Should().Be(FileSize);
        (await StoredSha256Async(result.Key)).Should().Be(file.Sha256);
    }

    [Fact]
    public async Task CompletionAnswerLost_ResumeReportsTheStoredObjectsFactsInsteadOfObjectNotFound()
    {
        await using var host = await UploadHost.StartAsync(rgw, _tokenKey, _prefix);
        using var file = new TestFile(FileSize);
        var lose = LoseCompletionAnswers();
        using var api = new HttpClient(lose) { BaseAddress = host.Address };
        var client = new DirectUploadClient(api);

        var session = await UploadLosingTheCompletionAnswerAsync(client, file);
        lose.Lost.Should().Be(1);
        var head = await rgw.S3.GetObjectMetadataAsync(rgw.Bucket, session.Key);
        head.ContentLength.Should().Be(FileSize, "the completion itself succeeded");
        lose.Enabled = false;

        var result = await client.ResumeMultipartAsync(UploadHost.Profile, session, file.Path, Options());

        result.Key.Should().Be(session.Key);
        result.Size.Should().Be(FileSize);
        result.ETag.Should().Be(head.ETag);
        (await StoredSha256Async(result.Key)).Should().Be(file.Sha256);
    }

    [Fact]
    public async Task CompletionAnswerLost_ResumeWithOtherContent_IsRefusedAsContentMismatch()
    {
        await using var host = await UploadHost.StartAsync(rgw, _tokenKey, _prefix);
        using var file = new TestFile(FileSize);
        using var other = new TestFile(FileSize);
        var lose = LoseCompletionAnswers();
        using var api = new HttpClient(lose) { BaseAddress = host.Address };
        var client = new DirectUploadClient(api);
        var session = await UploadLosingTheCompletionAnswerAsync(client, file);
        lose.Enabled = false;

        var resume = () => client.ResumeMultipartAsync(UploadHost.Profile, session, other.Path, Options());

        (await resume.Should().ThrowAsync<DirectUploadClientException>()).Which.Code.Should().Be(DirectUploadErrorCodes.ContentMismatch);
        (await StoredSha256Async(session.Key)).Should().Be(file.Sha256, "the stored object is left as it was");
    }

    private static LoseAnswers LoseCompletionAnswers() =>
        new(r => r.RequestUri!.AbsolutePath.EndsWith("/multipart/complete", StringComparison.Ordinal));

    /// <summary>Uploads without retries through a host client that loses the completion's answer; returns the session.</summary>
    private static async Task<MultipartSession> UploadLosingTheCompletionAnswerAsync(DirectUploadClient client, TestFile file)
    {
        MultipartSession? session = null;
        var options = Options(o =>
        {
            o.MaxRetries = 0;
            o.OnMultipartStarted = s =>
            {
                session = s;
                return ValueTask.CompletedTask;
            };
        });

        var act = () => client.UploadAsync(UploadHost.Profile, file.Path, "application/octet-stream", options);

        await act.Should().ThrowAsync<HttpRequestException>();
        return session!;
    }

    private static UploadOptions Options(Action<UploadOptions>? configure = null)
    {
        var options = new UploadOptions
        {
            MultipartThresholdBytes = 0,
            MaxParallelParts = 2,
            MaxRetries = 1,
            RetryBaseDelay = TimeSpan.FromMilliseconds(100),
            MaxRetryDelay = TimeSpan.FromMilliseconds(500),
            StallTimeout = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(options);
        return options;
    }

    private static HttpMessageHandler GetHandler(HttpClient client) =>
        (HttpMessageHandler)typeof(HttpMessageInvoker).GetField("_handler", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(client)!;

    private async Task<List<int>> StoredPartsAsync(MultipartSession session)
    {
        var parts = await rgw.S3.ListPartsAsync(new ListPartsRequest { BucketName = rgw.Bucket, Key = session.Key, UploadId = session.UploadId });
        return (parts.Parts ?? []).Select(p => p.PartNumber ?? 0).Order().ToList();
    }

    private async Task<string> StoredSha256Async(string key)
    {
        using var response = await rgw.S3.GetObjectAsync(rgw.Bucket, key);
        await using var body = response.ResponseStream;
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(body));
    }
}
