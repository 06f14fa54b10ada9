using System.Collections.Concurrent;
using DirectUpload.Tests.TestUtilities;
using FluentAssertions;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace DirectUpload.Tests.Events;

/// <summary>
/// The event pipeline (<see cref="IS3EventDispatcher"/>) on an in-memory store: sealed grant facts, the once-per-version
/// claim shared with the client's confirm, processing retries and the dead letter.
/// </summary>
public sealed class EventPipelineTests : IDisposable
{
    private const string Bucket = TestServices.Bucket;
    private const string Body = "hello";
    private readonly FakeTimeProvider _clock = new(TestServices.Now);
    private readonly InMemoryS3 _s3;
    private readonly CountingHook _hook = new();
    private readonly FlakyProcessor _processor = new();
    private readonly ServiceProvider _issuing;
    private readonly ServiceProvider _services;

    public EventPipelineTests()
    {
        _s3 = new InMemoryS3(_clock);
        _issuing = Build(client: null);
        _services = Build(_s3.Mock.Object);
    }

    public void Dispose()
    {
        _issuing.Dispose();
        _services.Dispose();
    }

    [Fact]
    public async Task DispatchAsync_GrantedPut_RunsHookOnceAndProcessorWithTheObjectsFacts()
    {
        var (grant, key) = await UploadAsync(owner: "user-7");

        var handled = await DispatchAsync(RgwEvent(key));

        handled.Should().Be(1);
        _hook.Calls.Should().ContainSingle().Which.Should().BeEquivalentTo(new { Profile = "photos", Key = key, Size = 5L, ContentType = "image/png", OwnerId = "user-7" });
        var context = _processor.Contexts.Should().ContainSingle().Subject;
        context.Upload.Key.Should().Be(key);
        context.Bucket.Should().Be(Bucket);
        context.Delivery.Should().Be(1);
        context.Attempt.Should().Be(1);
        grant.Token.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task DispatchAsync_SameEventTwice_HookAndProcessorRunOnce()
    {
        var (_, key) = await UploadAsync();

        await DispatchAsync(RgwEvent(key));
        await DispatchAsync(RgwEvent(key));

        _hook.Calls.Should().HaveCount(1);
        _processor.Contexts.Should().HaveCount(1);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ConfirmAndEvent_EitherOrder_HookRunsOnce(bool confirmFirst)
    {
        var (grant, key) = await UploadAsync();

        if (confirmFirst)
        {
            await ConfirmAsync(grant.Token);
            await DispatchAsync(RgwEvent(key));
        }
        else
        {
            await DispatchAsync(RgwEvent(key));
            var again = await ConfirmAsync(grant.Token);
            again.Key.Should().Be(key);
        }

        _hook.Calls.Should().HaveCount(1);
        _processor.Contexts.Should().HaveCount(1, "processing is driven by the event, after confirmation");
    }

    [Fact]
    public async Task ManyInstances_ConcurrentEventsAndConfirms_HookRunsOnce()
    {
        var (grant, key) = await UploadAsync();
        _hook.Delay = TimeSpan.FromMilliseconds(30);

        // separate providers are separate app instances: they share only the store
        var instances = Enumerable.Range(0, 6).Select(_ => Build(_s3.Mock.Object)).ToList();
        try
        {
            var work = instances.SelectMany((sp, i) => new[]
            {
                Task.Run(async () =>
                {
                    try
                    {
                        await DispatchAsync(RgwEvent(key), sp);
                    }
                    catch (UploadRejectedException e) when (e.Reason == UploadRejectionReason.CompletionInProgress)
                    {
                        // another instance holds the claim: the store would deliver this event again
                    }
                }),
                Task.Run(async () =>
                {
                    try
                    {
                        await ConfirmAsync(grant.Token, sp);
                    }
                    catch (UploadRejectedException e) when (e.Reason == UploadRejectionReason.CompletionInProgress)
                    {
                    }
                }),
            });
            await Task.WhenAll(work);
        }
        finally
        {
            instances.ForEach(i => i.Dispose());
        }

        _hook.Calls.Should().HaveCount(1);
    }

    [Fact]
    public async Task DispatchAsync_ObjectWithoutSeal_IsSkippedAndNothingRuns()
    {
        _s3.Upload(Bucket, "photos/forged.png", Body, "image/png", new Dictionary<string, string>());

        var handled = await DispatchAsync(RgwEvent("photos/forged.png"));

        handled.Should().Be(0);
        _hook.Calls.Should().BeEmpty();
        _processor.Contexts.Should().BeEmpty();
        _s3.Keys(Bucket).Should().NotContain(k => k.StartsWith(".directupload/", StringComparison.Ordinal), "nothing is claimed for an object no grant issued");
    }

    [Fact]
    public async Task DispatchAsync_SealCopiedToAnotherKey_IsSkipped()
    {
        var (grant, _) = await UploadAsync();
        _s3.Upload(Bucket, "photos/other.png", Body, "image/png", SealOf(grant));

        var handled = await DispatchAsync(RgwEvent("photos/other.png"));

        handled.Should().Be(0);
        _hook.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task DispatchAsync_SealMadeWithAnotherKey_IsSkipped()
    {
        using var foreign = Build(client: null, tokenKey: TestServices.OtherTokenKey);
        var grant = await foreign.GetRequiredService<IUploadPolicyIssuer>().IssueAsync(Request());
        _s3.Upload(Bucket, grant.Key, Body, "image/png", SealOf(grant));

        (await DispatchAsync(RgwEvent(grant.Key))).Should().Be(0);
        _hook.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task DispatchAsync_ObjectLargerThanGranted_IsRefusedDeletedAndNotRetried()
    {
        var grant = await _issuing.GetRequiredService<IUploadPolicyIssuer>().IssueAsync(Request());
        _s3.Upload(Bucket, grant.Key, Body + "!", "image/png", SealOf(grant));

        var handled = await DispatchAsync(RgwEvent(grant.Key));

        handled.Should().Be(1);
        _hook.Calls.Should().BeEmpty();
        _s3.Exists(Bucket, grant.Key).Should().BeFalse("DeleteInvalidUploads is on");
    }

    [Fact]
    public async Task DispatchAsync_ContentTypeOtherThanGranted_IsRefused()
    {
        var grant = await _issuing.GetRequiredService<IUploadPolicyIssuer>().IssueAsync(Request());
        _s3.Upload(Bucket, grant.Key, Body, "text/html", SealOf(grant));

        await DispatchAsync(RgwEvent(grant.Key));

        _hook.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task DispatchAsync_ContentOtherThanTheGrantedMd5_IsRefused()
    {
        var grant = await _issuing.GetRequiredService<IUploadPolicyIssuer>().IssueAsync(Request(md5: TestServices.HelloMd5));
        _s3.Upload(Bucket, grant.Key, "jello", "image/png", SealOf(grant));

        await DispatchAsync(RgwEvent(grant.Key));

        _hook.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task DispatchAsync_ProcessorFailsTwiceThenSucceeds_RetriedWithinTheDelivery()
    {
        var (_, key) = await UploadAsync();
        _processor.FailuresLeft = 2;

        await DispatchAsync(RgwEvent(key));

        _processor.Contexts.Select(c => c.Attempt).Should().Equal(1, 2, 3);
        _processor.Succeeded.Should().Be(1);
        _hook.Calls.Should().HaveCount(1);
    }

    [Fact]
    public async Task DispatchAsync_ProcessorKeepsFailing_ThrowsUntilTheLastDeliveryThenDeadLetters()
    {
        var (_, key) = await UploadAsync();
        _processor.FailuresLeft = int.MaxValue;

        for (var delivery = 1; delivery < 3; delivery++)
        {
            var act = () => DispatchAsync(RgwEvent(key));
            await act.Should().ThrowAsync<InvalidOperationException>("delivery {0} must be retried by the store", delivery);
        }

        var handled = await DispatchAsync(RgwEvent(key));
        handled.Should().Be(1);
        _s3.Keys(Bucket).Should().Contain(k => k.StartsWith(".directupload/dead-letters/", StringComparison.Ordinal));
        _processor.Contexts.Select(c => c.Delivery).Distinct().Should().Equal(1, 2, 3);

        var count = _processor.Contexts.Count;
        await DispatchAsync(RgwEvent(key));
        _processor.Contexts.Should().HaveCount(count, "a dead-lettered upload is not processed again");
        _hook.Calls.Should().HaveCount(1);
    }

    [Fact]
    public async Task DispatchAsync_HookFails_ThrowsAndTheNextDeliveryRunsItAgain()
    {
        var (_, key) = await UploadAsync();
        _hook.FailuresLeft = 1;

        var act = () => DispatchAsync(RgwEvent(key));
        await act.Should().ThrowAsync<InvalidOperationException>();
        _processor.Contexts.Should().BeEmpty("processing runs only after confirmation");

        await DispatchAsync(RgwEvent(key));
        _hook.Calls.Should().HaveCount(1);
        _hook.Attempts.Should().Be(2);
        _processor.Contexts.Should().HaveCount(1);
    }

    [Fact]
    public async Task DispatchAsync_FreshClaimHeldElsewhere_ThrowsSoTheStoreRetries()
    {
        var (_, key) = await UploadAsync();
        var marker = await ClaimMarkerAsync(key);
        _s3.Put(Bucket, marker, _clock.GetUtcNow());

        var act = () => DispatchAsync(RgwEvent(key));

        (await act.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.CompletionInProgress);
        _hook.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task DispatchAsync_ClaimOlderThanTheLease_IsTakenOver()
    {
        var (_, key) = await UploadAsync();
        var marker = await ClaimMarkerAsync(key);
        _s3.Put(Bucket, marker, _clock.GetUtcNow() - TimeSpan.FromMinutes(10));

        await DispatchAsync(RgwEvent(key));

        _hook.Calls.Should().HaveCount(1);
        _s3.Keys(Bucket).Should().Contain(marker.Replace("claim-0001", "claim-0002", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DispatchAsync_StoreUnavailable_ThrowsAndNothingRuns()
    {
        var (_, key) = await UploadAsync();
        _s3.FailHeads = 1;

        var act = () => DispatchAsync(RgwEvent(key));

        await act.Should().ThrowAsync<Amazon.S3.AmazonS3Exception>();
        _hook.Calls.Should().BeEmpty();
        await DispatchAsync(RgwEvent(key));
        _hook.Calls.Should().HaveCount(1);
    }

    [Theory]
    [InlineData("ObjectRemoved:Delete", "photos/x.png")]
    [InlineData("ObjectCreated:Put", ".directupload/v1/abc/done")]
    [InlineData("ObjectCreated:Put", "photos/missing.png")]
    public async Task DispatchAsync_RecordsThatAreNotGrantedUploads_AreSkippedWithoutError(string eventName, string key)
    {
        var handled = await DispatchAsync(RgwEvent(key, eventName));

        handled.Should().Be(0);
        _hook.Calls.Should().BeEmpty();
    }

    [Fact]
    public async Task DispatchAsync_BucketOfNoProfile_IsSkippedWithoutAStoreCall()
    {
        var handled = await DispatchAsync(RgwEvent("photos/x.png", bucket: "someone-elses-bucket"));

        handled.Should().Be(0);
        _s3.Mock.Invocations.Should().BeEmpty();
    }

    [Fact]
    public async Task DispatchAsync_NotAnEventNotification_IsFormatException()
    {
        var act = () => DispatchAsync("{\"hello\":1}");

        await act.Should().ThrowAsync<FormatException>();
    }

    [Fact]
    public async Task IssueAsync_ClientMetadataNamedLikeTheSeal_IsRefused()
    {
        using var services = Build(client: null, allowDuGrant: true);
        var act = async () => await services.GetRequiredService<IUploadPolicyIssuer>().IssueAsync(
            Request(metadata: new Dictionary<string, string> { ["du-grant"] = "s1.forged" }));

        (await act.Should().ThrowAsync<UploadRejectedException>()).Which.Reason.Should().Be(UploadRejectionReason.MetadataNotAllowed);
    }

    private static UploadRequest Request(string? owner = null, string? md5 = null, IReadOnlyDictionary<string, string>? metadata = null) =>
        TestServices.Request(fileName: "cat.png", contentType: "image/png", size: Body.Length, md5: md5, owner: owner, metadata: metadata);

    private static Dictionary<string, string> SealOf(UploadGrant grant) =>
        new() { ["du-grant"] = grant.Headers["x-amz-meta-du-grant"] };

    private static string RgwEvent(string key, string eventName = "ObjectCreated:Put", string bucket = Bucket) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            Records = new[]
            {
                new
                {
                    eventVersion = "2.2",
                    eventSource = "ceph:s3",
                    awsRegion = string.Empty,
                    eventTime = "2026-11-21T12:00:00.000000Z",
                    eventName,
                    s3 = new
                    {
                        s3SchemaVersion = "1.0",
                        bucket = new { name = bucket, arn = "arn:aws:s3:::" + bucket },
                        @object = new { key, size = 5, eTag = "x", versionId = string.Empty, sequencer = "1", metadata = Array.Empty<object>() },
                    },
                },
            },
        });

    private async Task<(UploadGrant Grant, string Key)> UploadAsync(string? owner = null)
    {
        var grant = await _issuing.GetRequiredService<IUploadPolicyIssuer>().IssueAsync(Request(owner));
        _s3.Upload(Bucket, grant.Key, Body, "image/png", SealOf(grant));
        return (grant, grant.Key);
    }

    private async Task<string> ClaimMarkerAsync(string key)
    {
        var head = await _s3.Mock.Object.GetObjectMetadataAsync(new Amazon.S3.Model.GetObjectMetadataRequest { BucketName = Bucket, Key = key });
        return $".directupload/v1/{DirectUpload.Internal.CompletionLedger.VersionHash(Bucket, key, head)}/claim-0001";
    }

    private Task<int> DispatchAsync(string json, IServiceProvider? services = null)
    {
        using var scope = (services ?? _services).CreateScope();
        return scope.ServiceProvider.GetRequiredService<IS3EventDispatcher>().DispatchAsync(json);
    }

    private async Task<UploadedObject> ConfirmAsync(string token, IServiceProvider? services = null)
    {
        using var scope = (services ?? _services).CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IUploadConfirmationService>()
            .ConfirmAsync(new UploadTokenRequest { Profile = "photos", Token = token, OwnerId = null });
    }

    private ServiceProvider Build(Amazon.S3.IAmazonS3? client, string? tokenKey = null, bool allowDuGrant = false) =>
        TestServices.Build(
            b =>
            {
                b.AddS3PresignedPut("photos", p =>
                {
                    p.KeyPrefix = "photos/";
                    p.AllowedContentTypes.Add("image/*");
                    p.DeleteInvalidUploads = true;
                    if (allowDuGrant)
                    {
                        p.AllowedMetadataKeys.Add("du-grant");
                    }
                });
                b.Services.AddSingleton<IUploadCompletedHandler>(_hook);
                b.Services.AddSingleton<IUploadProcessor>(_processor);
            },
            client: client,
            timeProvider: _clock,
            options: o =>
            {
                if (tokenKey is not null)
                {
                    o.TokenSigningKey = tokenKey;
                }

                o.Events.ProcessingRetryDelays.Clear();
                o.Events.ProcessingRetryDelays.Add(TimeSpan.Zero);
                o.Events.ProcessingRetryDelays.Add(TimeSpan.Zero);
                o.Events.MaxProcessingDeliveries = 3;
                o.Events.ConfirmWait = TimeSpan.Zero;
            });

    private sealed class CountingHook : IUploadCompletedHandler
    {
        private int _attempts;

        public ConcurrentQueue<UploadedObject> Calls { get; } = new();

        public int Attempts => _attempts;

        public int FailuresLeft { get; set; }

        public TimeSpan Delay { get; set; }

        public async ValueTask OnUploadCompletedAsync(UploadedObject upload, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            if (Delay > TimeSpan.Zero)
            {
                await Task.Delay(Delay, cancellationToken);
            }

            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new InvalidOperationException("the database is down");
            }

            Calls.Enqueue(upload);
        }
    }

    private sealed class FlakyProcessor : IUploadProcessor
    {
        public ConcurrentQueue<UploadProcessingContext> Contexts { get; } = new();

        public int FailuresLeft { get; set; }

        public int Succeeded { get; private set; }

        public ValueTask ProcessAsync(UploadProcessingContext context, CancellationToken cancellationToken)
        {
            Contexts.Enqueue(context);
            if (FailuresLeft > 0)
            {
                FailuresLeft--;
                throw new InvalidOperationException("the thumbnailer is down");
            }

            Succeeded++;
            return ValueTask.CompletedTask;
        }
    }
}
