using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using DirectUpload.Internal;
using DirectUpload.Tests.TestUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.Tests.Internal;

public class DirectUploadTelemetryTests
{
    [Fact]
    public void Names_ArePinned()
    {
        DirectUploadTelemetry.Name.Should().Be("DirectUpload");
        DirectUploadTelemetry.GrantsIssued.Should().Be("directupload.grants.issued");
        DirectUploadTelemetry.GrantsRejected.Should().Be("directupload.grants.rejected");
        DirectUploadTelemetry.TagProfile.Should().Be("directupload.profile");
        DirectUploadTelemetry.TagMethod.Should().Be("directupload.method");
        DirectUploadTelemetry.TagErrorType.Should().Be("error.type");
        DirectUploadTelemetry.ActivitySource.Name.Should().Be("DirectUpload");
    }

    [Fact]
    public async Task IssueAsync_Granted_CountsGrantIssuedByProfileAndMethod()
    {
        using var services = CreateServices();
        using var measurements = new MeasurementRecorder(services);
        var sut = CreateSut(services);

        await sut.IssueAsync(TestServices.Request(profile: "photos"));
        await sut.IssueAsync(TestServices.Request(profile: "photos"));
        await sut.IssueAsync(TestServices.Request(profile: "docs"));

        measurements.Of("directupload.grants.issued").Should().BeEquivalentTo(new[]
        {
            Measurement(("directupload.profile", "photos"), ("directupload.method", "PUT")),
            Measurement(("directupload.profile", "photos"), ("directupload.method", "PUT")),
            Measurement(("directupload.profile", "docs"), ("directupload.method", "POST")),
        });
        measurements.Of("directupload.grants.rejected").Should().BeEmpty();
    }

    [Theory]
    [InlineData("nope", "image/png", 1L, "(unknown)", "unknown_profile")]
    [InlineData("photos", "video/mp4", 1L, "photos", "content_type_not_allowed")]
    [InlineData("photos", "image/png", 0L, "photos", "invalid_size")]
    [InlineData("docs", "image/png", 20_000_000L, "docs", "too_large")]
    public async Task IssueAsync_Rejected_CountsGrantRejectedWithTheReasonCode(string profile, string contentType, long size, string taggedProfile, string code)
    {
        using var services = CreateServices();
        using var measurements = new MeasurementRecorder(services);

        var act = async () => await CreateSut(services).IssueAsync(TestServices.Request(profile: profile, contentType: contentType, size: size));
        await act.Should().ThrowAsync<UploadRejectedException>();

        var rejected = measurements.Of("directupload.grants.rejected").Should().ContainSingle().Subject;
        rejected.Value.Should().Be(1);
        rejected.Tags.Should().Contain("directupload.profile", taggedProfile).And.Contain("error.type", code).And.ContainKey("directupload.method");
        measurements.Of("directupload.grants.issued").Should().BeEmpty();
    }

    [Fact]
    public async Task IssueAsync_Granted_ProducesAnIssueGrantActivity()
    {
        using var services = CreateServices();
        using var activities = new ActivityRecorder();

        await CreateSut(services).IssueAsync(TestServices.Request(profile: "docs"));

        var activity = activities.Stopped.Should().ContainSingle().Subject;
        activity.OperationName.Should().Be("DirectUpload.IssueGrant");
        activity.Source.Name.Should().Be("DirectUpload");
        activity.Status.Should().NotBe(ActivityStatusCode.Error);
        activity.GetTagItem("directupload.profile").Should().Be("docs");
        activity.GetTagItem("directupload.method").Should().Be("POST");
    }

    [Fact]
    public async Task IssueAsync_Rejected_ActivityCarriesTheErrorType()
    {
        using var services = CreateServices();
        using var activities = new ActivityRecorder();

        var act = async () => await CreateSut(services).IssueAsync(TestServices.Request(profile: "photos", size: -5));
        await act.Should().ThrowAsync<UploadRejectedException>();

        var activity = activities.Stopped.Should().ContainSingle().Subject;
        activity.OperationName.Should().Be("DirectUpload.IssueGrant");
        activity.Status.Should().Be(ActivityStatusCode.Error);
        activity.GetTagItem("error.type").Should().Be("invalid_size");
    }

    private static (long Value, Dictionary<string, object?> Tags) Measurement(params (string Key, object? Value)[] tags) =>
        (1, tags.ToDictionary(t => t.Key, t => t.Value));

    private static ServiceProvider CreateServices() => TestServices.Build(b => b
        .AddS3PresignedPut("photos", p => p.AllowedContentTypes.Add("image/*"))
        .AddS3PresignedPost("docs", p => p.AllowedContentTypes.Add("image/*")));

    private static IUploadPolicyIssuer CreateSut(IServiceProvider services) => services.GetRequiredService<IUploadPolicyIssuer>();

    /// <summary>Records the measurements of one provider's meter only, so tests running in parallel do not mix.</summary>
    private sealed class MeasurementRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, long Value, Dictionary<string, object?> Tags)> _measurements = new();

        public MeasurementRecorder(IServiceProvider services)
        {
            CreateSut(services); // the issuers create the telemetry
            var meter = services.GetRequiredService<DirectUploadTelemetry>().Issued.Meter;
            meter.Name.Should().Be("DirectUpload");
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
                _measurements.Enqueue((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value))));
            _listener.Start();
        }

        public List<(long Value, Dictionary<string, object?> Tags)> Of(string instrument) =>
            _measurements.Where(m => m.Instrument == instrument).Select(m => (m.Value, m.Tags)).ToList();

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Records the DirectUpload activities started under a parent of this test's own, so parallel tests do not mix.</summary>
    private sealed class ActivityRecorder : IDisposable
    {
        private static readonly ActivitySource TestSource = new("DirectUpload.Tests");
        private readonly ActivityListener _listener;
        private readonly Activity? _parent;
        private readonly ConcurrentQueue<Activity> _stopped = new();

        public ActivityRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name is "DirectUpload" or "DirectUpload.Tests",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    // _parent is null until the constructor has started it: a parallel test's parentless activity
                    // stopping in that moment must not count as ours
                    if (activity.Source.Name == "DirectUpload" && _parent is { } parent && ReferenceEquals(activity.Parent, parent))
                    {
                        _stopped.Enqueue(activity);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
            _parent = TestSource.StartActivity("test")!;
        }

        public IReadOnlyCollection<Activity> Stopped => _stopped;

        public void Dispose()
        {
            _parent?.Dispose();
            _listener.Dispose();
        }
    }
}
