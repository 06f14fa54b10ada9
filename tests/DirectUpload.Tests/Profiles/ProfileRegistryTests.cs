using DirectUpload.Internal;
using DirectUpload.S3.Internal;
using DirectUpload.Tests.TestUtilities;
using Microsoft.Extensions.Options;

namespace DirectUpload.Tests.Profiles;

public class ProfileRegistryTests
{
    [Fact]
    public void Get_SameOptions_ReturnsTheProfileResolvedOnce()
    {
        var sut = new ProfileRegistry(new TestOptionsMonitor<DirectUploadOptions>(Options(("photos", "image/*"))));

        var first = sut.Get("photos");

        sut.Get("PHOTOS").Should().BeSameAs(first, "a profile is resolved once, not per request");
        first.Name.Should().Be("photos", "the configured spelling goes into tokens, hooks and metric tags");
        first.Bucket.Should().Be("default-bucket");
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("")]
    [InlineData(null)]
    public void Get_UnknownProfile_RejectsWithUnknownProfile(string? name)
    {
        var sut = new ProfileRegistry(new TestOptionsMonitor<DirectUploadOptions>(Options(("photos", "image/*"))));

        var act = () => sut.Get(name);

        act.Should().Throw<UploadRejectedException>().Which.Reason.Should().Be(UploadRejectionReason.UnknownProfile);
        sut.TryGet(name, out var profile).Should().BeFalse();
        profile.Should().BeNull();
    }

    [Fact]
    public void Get_OptionsChanged_ResolvesTheNewProfiles()
    {
        var monitor = new NotifyingMonitor(Options(("photos", "image/*")));
        var sut = new ProfileRegistry(monitor);
        var before = sut.Get("photos");

        monitor.Change(Options(("videos", "video/*")));

        sut.TryGet("photos", out _).Should().BeFalse();
        sut.Get("videos").AllowedTypes.IsAllowed("video/mp4").Should().BeTrue();
        before.AllowedTypes.IsAllowed("image/png").Should().BeTrue("a resolved profile does not change under its holder");
    }

    [Fact]
    public void Get_ComposedProfile_ResolvesKeyStrategyTypesAndHeadersOnce()
    {
        var options = Options(("docs", "application/pdf"));
        var profile = options.Profiles["docs"];
        profile.ScopeToOwner = true;
        profile.PartitionByDate = true;
        profile.BucketName = "own-bucket";
        profile.CacheControl = "private";
        profile.StorageClass = "STANDARD_IA";
        var sut = new ProfileRegistry(new TestOptionsMonitor<DirectUploadOptions>(options));

        var resolved = sut.Get("docs");

        resolved.KeyStrategy.Should().BeOfType<OwnerScopedKeyStrategy>();
        resolved.OwnerFolders.Should().BeTrue();
        resolved.Bucket.Should().Be("own-bucket");
        resolved.AllowedTypes.IsAllowed("application/pdf").Should().BeTrue();
        resolved.AllowedTypes.IsAllowed("application/pdfx").Should().BeFalse();
        var headers = new GrantParameters(3, StringComparer.OrdinalIgnoreCase);
        resolved.StoredHeaders.AddTo(headers, [new("camera", "x")]);
        headers.Should().Equal(new Dictionary<string, string>
        {
            ["Cache-Control"] = "private",
            ["x-amz-meta-camera"] = "x",
            ["x-amz-storage-class"] = "STANDARD_IA",
        });
        sut.IsProfileBucket("own-bucket").Should().BeTrue();
        sut.IsProfileBucket("default-bucket").Should().BeTrue();
        sut.IsProfileBucket("other").Should().BeFalse();
    }

    private static DirectUploadOptions Options(params (string Name, string Type)[] profiles)
    {
        var options = new DirectUploadOptions { BucketName = "default-bucket", TokenSigningKey = TestServices.TokenKey };
        foreach (var (name, type) in profiles)
        {
            var profile = new UploadProfileOptions();
            profile.AllowedContentTypes.Add(type);
            options.Profiles[name] = profile;
        }

        return options;
    }

    /// <summary>A monitor that tells its listeners about a new value, as the options system does on a configuration reload.</summary>
    private sealed class NotifyingMonitor(DirectUploadOptions value) : IOptionsMonitor<DirectUploadOptions>
    {
        private readonly List<Action<DirectUploadOptions, string?>> _listeners = [];

        public DirectUploadOptions CurrentValue { get; private set; } = value;

        public DirectUploadOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<DirectUploadOptions, string?> listener)
        {
            _listeners.Add(listener);
            return null;
        }

        public void Change(DirectUploadOptions options)
        {
            CurrentValue = options;
            foreach (var listener in _listeners)
            {
                listener(options, Microsoft.Extensions.Options.Options.DefaultName);
            }
        }
    }
}
