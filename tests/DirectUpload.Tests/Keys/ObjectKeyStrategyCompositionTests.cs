using System.Text;
using DirectUpload.Internal;
using DirectUpload.Tests.TestUtilities;

namespace DirectUpload.Tests.Keys;

/// <summary>
/// A property-style test: thousands of hostile file names and owner ids (seeded, so failures reproduce) through every
/// composition of the built-in strategies under several prefixes, via the real request validator. Every request either
/// gets a key that passes every documented key rule, or is refused with a typed reason; nothing else may happen.
/// </summary>
public class ObjectKeyStrategyCompositionTests
{
    private const int Seed = 20261121;
    private const int Inputs = 5000;

    private static readonly string[] Prefixes = ["", "uploads/", "a/b/c/", "ünï/日本/", "photos-2026/"];

    private static readonly UploadRejectionReason[] ExpectedReasons =
    [
        UploadRejectionReason.InvalidFileName,
        UploadRejectionReason.InvalidOwner,
        UploadRejectionReason.OwnerRequired,
        UploadRejectionReason.InvalidKey,
    ];

    public static IEnumerable<(string Name, Func<IObjectKeyStrategy> Create, bool OwnerScoped)> Compositions()
    {
        foreach (var (baseName, baseStrategy) in new (string, IObjectKeyStrategy)[] { ("random", RandomKeyStrategy.Instance), ("random+name", RandomFileNameKeyStrategy.Instance) })
        {
            yield return (baseName, () => baseStrategy, false);
            yield return ($"date({baseName})", () => new DatePartitionedKeyStrategy(baseStrategy), false);
            yield return ($"owner({baseName})", () => new OwnerScopedKeyStrategy(baseStrategy), true);
            yield return ($"owner(date({baseName}))", () => new OwnerScopedKeyStrategy(new DatePartitionedKeyStrategy(baseStrategy)), true);
            yield return ($"date(owner({baseName}))", () => new DatePartitionedKeyStrategy(new OwnerScopedKeyStrategy(baseStrategy)), true);
            yield return ($"owner(owner({baseName}))", () => new OwnerScopedKeyStrategy(new OwnerScopedKeyStrategy(baseStrategy)), true);
            yield return ($"date(date({baseName}))", () => new DatePartitionedKeyStrategy(new DatePartitionedKeyStrategy(baseStrategy)), false);
        }
    }

    [Fact]
    public void Validate_HostileFileNamesAndOwners_EveryKeyIsSafeOrTheRequestIsRejectedWithAReason()
    {
        var random = new Random(Seed);
        var inputs = Enumerable.Range(0, Inputs).Select(i => (FileName: HostileInputs.FileName(random), Owner: HostileInputs.Owner(random))).ToList();
        var clock = new FakeTimeProvider(TestServices.Now);
        var compositions = Compositions().ToList();
        var keys = 0;
        var rejections = new Dictionary<UploadRejectionReason, int>();
        var failures = new List<string>();

        for (var i = 0; i < inputs.Count; i++)
        {
            var (fileName, owner) = inputs[i];

            // every input goes through two compositions and two prefixes, so each composition and prefix sees
            // hundreds of inputs; the clock moves so dates and ids change
            var cases = new[]
            {
                (Composition: compositions[i % compositions.Count], Prefix: Prefixes[i / compositions.Count % Prefixes.Length]),
                (Composition: compositions[(i + 7) % compositions.Count], Prefix: Prefixes[(i + 1) % Prefixes.Length]),
            };
            foreach (var (composition, prefix) in cases)
            {
                clock.Advance(TimeSpan.FromMinutes(37));
                var sut = CreateSut(composition.Create(), prefix, clock);
                var request = TestServices.Request(profile: "p", fileName: fileName, contentType: "application/octet-stream", owner: owner);
                var context = $"input #{i} ({composition.Name}, prefix '{prefix}', file name {Escape(fileName)}, owner {Escape(owner)})";
                string key;
                try
                {
                    key = sut.Validator.Validate(sut.Profiles.Get("p"), request, singleRequest: true).Key;
                }
                catch (UploadRejectedException e)
                {
                    if (!ExpectedReasons.Contains(e.Reason))
                    {
                        failures.Add($"{context} was refused for an unexpected reason {e.Reason}: {e.Message}");
                    }

                    rejections[e.Reason] = rejections.GetValueOrDefault(e.Reason) + 1;
                    continue;
                }
                catch (Exception e)
                {
                    failures.Add($"{context} threw {e.GetType().Name}: {e.Message}");
                    continue;
                }

                keys++;
                if (Unsafe(key, prefix, composition.OwnerScoped ? owner : null) is { } problem)
                {
                    failures.Add($"{context} produced key {Escape(key)}: {problem}");
                }
            }
        }

        failures.Should().BeEmpty();
        keys.Should().BeGreaterThan(Inputs, "most hostile inputs must still produce a key");
        rejections.Keys.Should().Contain([UploadRejectionReason.InvalidFileName, UploadRejectionReason.InvalidOwner, UploadRejectionReason.OwnerRequired],
            "the generator must exercise every kind of refusal");
    }

    // plain checks rather than assertions in the loop: FluentAssertions costs too much over ten thousand keys
    private static string? Unsafe(string key, string prefix, string? owner)
    {
        if (!ObjectKeys.IsValidKey(key, prefix, out var problem))
        {
            return problem;
        }

        if (!key.StartsWith(prefix, StringComparison.Ordinal))
        {
            return "not under the prefix";
        }

        if (key.Split('/').Any(s => s.Length == 0 || s == "." || s == ".."))
        {
            return "an empty, '.' or '..' segment";
        }

        if (Encoding.UTF8.GetByteCount(key) > ObjectKeys.MaxKeyBytes)
        {
            return "longer than 1024 UTF-8 bytes";
        }

        if (key.Contains('\\', StringComparison.Ordinal) || key.Any(char.IsControl))
        {
            return "a backslash or control character";
        }

        if (owner is not null && !("/" + key).Contains("/users/" + ObjectKeys.EncodeOwnerSegment(owner) + "/", StringComparison.Ordinal))
        {
            return "not under users/{encoded owner}/";
        }

        return null;
    }

    private static string Escape(string? value) => value is null
        ? "null"
        : "\"" + string.Concat(value.Take(80).Select(c => c is < ' ' or > '~' ? $"\\u{(int)c:X4}" : c.ToString())) + (value.Length > 80 ? "…" : string.Empty) + "\"";

    private static (UploadRequestValidator Validator, ProfileRegistry Profiles) CreateSut(IObjectKeyStrategy strategy, string prefix, TimeProvider clock)
    {
        var options = new DirectUploadOptions { BucketName = TestServices.Bucket, TokenSigningKey = TestServices.TokenKey };
        var profile = new UploadProfileOptions { KeyPrefix = prefix, KeyStrategy = strategy };
        profile.AllowedContentTypes.Add("*/*");
        options.Profiles["p"] = profile;
        var profiles = new ProfileRegistry(new TestOptionsMonitor<DirectUploadOptions>(options));
        return (new UploadRequestValidator(profiles, clock), profiles);
    }
}
