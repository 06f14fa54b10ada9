using System.Globalization;
using System.Text;
using DirectUpload.Tests.TestUtilities;

namespace DirectUpload.Tests.Keys;

public class OwnerScopedKeyStrategyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("user-42", "user-42")]
    [InlineData("alice@example.com", "alice@example.com")]
    [InlineData("a.b", "a.b")]
    [InlineData("...", "...")]
    [InlineData("a_b", "a_5Fb")]
    [InlineData("a/b", "a_2Fb")]
    [InlineData("a|b", "a_7Cb")]
    [InlineData("a b", "a_20b")]
    [InlineData("a\\b", "a_5Cb")]
    [InlineData("_2F", "_5F2F")]
    [InlineData(".", "_2E")]
    [InlineData("..", "_2E_2E")]
    [InlineData("Zoë", "Zo_C3_AB")]
    [InlineData("😀", "_F0_9F_98_80")]
    [InlineData("auth0|5f7c8ec7c33c6c004bbafe82", "auth0_7C5f7c8ec7c33c6c004bbafe82")]
    public void CreateKey_Owner_PutsKeyUnderEncodedOwnerFolder(string owner, string expectedSegment)
    {
        var key = CreateSut().CreateKey(Args(owner));

        key.Should().Be($"users/{expectedSegment}/inner.bin");
        ObjectKeys.EncodeOwnerSegment(owner).Should().Be(expectedSegment);
    }

    [Fact]
    public void EncodeOwnerSegment_LookalikeOwners_NeverShareAFolder()
    {
        var owners = new[] { "a_b", "a/b", "a|b", "a b", "a_5Fb", "a_2Fb", "a%2Fb", "A_B", ".", "..", "_2E", "_2E_2E", "\uFFFD" };

        owners.Select(ObjectKeys.EncodeOwnerSegment).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void EncodeOwnerSegment_ManyRandomOwners_DecodesBackToTheOwner()
    {
        var random = new Random(20261121);
        var alphabet = "aZ09-._@/\\|% \u00e9\u65e5\u202e\u0000\ud83d\ude00".ToCharArray();
        for (var i = 0; i < 5000; i++)
        {
            var owner = new string(Enumerable.Range(0, random.Next(1, 12)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            if (!IsValidUtf16(owner))
            {
                continue;
            }

            var segment = ObjectKeys.EncodeOwnerSegment(owner);

            segment.Should().MatchRegex("^[A-Za-z0-9@._-]+$").And.NotBe(".").And.NotBe("..");
            Decode(segment).Should().Be(owner, "the encoding must be injective");
        }
    }

    [Fact]
    public void EncodeOwnerSegment_InvalidUtf16_Throws()
    {
        // a lone surrogate cannot be encoded injectively (it would become U+FFFD, the folder of the owner "\uFFFD");
        // not InlineData: theory data is serialized for discovery, which turns lone surrogates into U+FFFD
        foreach (var owner in new[] { "\uD800", "a\uDC00", "\uDE00\uD83D" })
        {
            var act = () => ObjectKeys.EncodeOwnerSegment(owner);

            act.Should().Throw<ArgumentException>().WithParameterName("ownerId");
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void EncodeOwnerSegment_NullOrEmpty_ThrowsWithParameterName(string? owner)
    {
        var act = () => ObjectKeys.EncodeOwnerSegment(owner!);

        act.Should().Throw<ArgumentException>().WithParameterName("ownerId");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void CreateKey_NoOwner_RejectsWithOwnerRequired(string? owner)
    {
        var act = () => CreateSut().CreateKey(Args(owner));

        act.Should().Throw<UploadRejectedException>().Which.Reason.Should().Be(UploadRejectionReason.OwnerRequired);
    }

    [Fact]
    public void CreateKey_CustomFolder_UsesIt()
    {
        new OwnerScopedKeyStrategy(new FixedKeyStrategy("x"), "tenants").CreateKey(Args("t1")).Should().Be("tenants/t1/x");
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("")]
    [InlineData(" ")]
    public void Constructor_BadFolder_ThrowsWithParameterName(string badFolder)
    {
        var act = () => new OwnerScopedKeyStrategy(new FixedKeyStrategy("x"), badFolder);

        act.Should().Throw<ArgumentException>().WithParameterName("folder");
    }

    [Fact]
    public void Constructor_NullInner_ThrowsWithParameterName()
    {
        var act = () => new OwnerScopedKeyStrategy(null!);

        act.Should().Throw<ArgumentNullException>().WithParameterName("inner");
    }

    [Fact]
    public void CreateKey_ComposedWithDateAndRandom_NestsInOrder()
    {
        var args = new ObjectKeyArguments("p", "My Photo.JPG", "image/jpeg", "alice", Now);

        new OwnerScopedKeyStrategy(new DatePartitionedKeyStrategy(RandomKeyStrategy.Instance)).CreateKey(args)
            .Should().MatchRegex("^users/alice/2026/11/21/[0-9a-hjkmnp-tv-z]{26}\\.jpg$");
        new DatePartitionedKeyStrategy(new OwnerScopedKeyStrategy(RandomFileNameKeyStrategy.Instance)).CreateKey(args)
            .Should().MatchRegex("^2026/11/21/users/alice/[0-9a-hjkmnp-tv-z]{26}-my-photo\\.jpg$");
    }

    private static bool IsValidUtf16(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }

    private static string Decode(string segment)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < segment.Length; i++)
        {
            if (segment[i] == '_')
            {
                bytes.Add(byte.Parse(segment.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
            else
            {
                bytes.Add((byte)segment[i]);
            }
        }

        return new UTF8Encoding(false, true).GetString(bytes.ToArray());
    }

    private static ObjectKeyArguments Args(string? owner) => new("photos", "f.png", "image/png", owner, Now);

    private static OwnerScopedKeyStrategy CreateSut() => new(new FixedKeyStrategy("inner.bin"));
}
