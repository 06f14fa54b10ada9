namespace DirectUpload.Tests.Keys;

public class RandomKeyStrategyTests
{
    private const string CrockfordLower = "0123456789abcdefghjkmnpqrstvwxyz";
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void CreateKey_NoExtension_Returns26LowerCaseCrockfordCharacters()
    {
        var key = CreateSut().CreateKey(Args("README"));

        key.Should().HaveLength(26).And.MatchRegex("^[0-9a-hjkmnp-tv-z]{26}$");
    }

    [Theory]
    [InlineData("photo.JPG", ".jpg")]
    [InlineData("archive.tar.gz", ".gz")]
    [InlineData("../../etc/x.PNG", ".png")]
    [InlineData("ten.abcdefghij", ".abcdefghij")]
    [InlineData("v2.mp4", ".mp4")]
    [InlineData("README", "")]
    [InlineData("trailing.", "")]
    [InlineData(".hidden", "")]
    [InlineData("eleven.abcdefghijk", "")]
    [InlineData("bang.ex!", "")]
    [InlineData("accent.jpé", "")]
    [InlineData("rtl.exe\u202Egpj", "")]
    [InlineData("space.j pg", "")]
    [InlineData("dir.d/file", "")]
    public void CreateKey_FileName_KeepsOnlyAShortAlphanumericLowerCaseExtension(string fileName, string expectedSuffix)
    {
        var key = CreateSut().CreateKey(Args(fileName));

        key[26..].Should().Be(expectedSuffix);
        key[..26].Should().MatchRegex("^[0-9a-hjkmnp-tv-z]{26}$");
    }

    [Fact]
    public void CreateKey_SameInstant_IdsAreUnique()
    {
        var sut = CreateSut();

        var keys = Enumerable.Range(0, 10_000).Select(_ => sut.CreateKey(Args("a.jpg"))).ToList();

        keys.Should().OnlyHaveUniqueItems();
        keys.Select(k => k[..10]).Distinct().Should().ContainSingle("the first 10 characters encode the same millisecond");
    }

    [Fact]
    public void CreateKey_LaterTimestamps_SortAfterEarlierOnes()
    {
        var sut = CreateSut();
        var instants = new[]
        {
            DateTimeOffset.UnixEpoch,
            DateTimeOffset.UnixEpoch.AddMilliseconds(1),
            new DateTimeOffset(1999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero),
            Now,
            Now.AddMilliseconds(1),
            Now.AddMilliseconds(2),
            Now.AddSeconds(1),
            Now.AddDays(365 * 100),
            new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero),
        };

        var keys = instants.Select(t => sut.CreateKey(new ObjectKeyArguments("p", "x", "image/png", null, t))).ToList();

        keys.Should().BeInAscendingOrder(StringComparer.Ordinal);
        keys.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void NewId_Timestamp_FirstTenCharactersEncodeUnixMilliseconds()
    {
        var id = ObjectKeys.NewId(Now.AddMilliseconds(123));

        long ms = 0;
        foreach (var c in id[..10])
        {
            ms = (ms << 5) | (long)CrockfordLower.IndexOf(c, StringComparison.Ordinal);
        }

        ms.Should().Be(Now.AddMilliseconds(123).ToUnixTimeMilliseconds());
    }

    [Fact]
    public void NewId_BeforeUnixEpoch_ClampsToZero()
    {
        ObjectKeys.NewId(DateTimeOffset.MinValue).Should().StartWith("0000000000");
        ObjectKeys.NewId(DateTimeOffset.UnixEpoch.AddDays(-1)).Should().StartWith("0000000000");
    }

    [Fact]
    public void NewId_OffsetOfTimestamp_DoesNotMatter()
    {
        var utc = ObjectKeys.NewId(Now);
        var local = ObjectKeys.NewId(Now.ToOffset(TimeSpan.FromHours(-7)));

        local[..10].Should().Be(utc[..10]);
    }

    [Fact]
    public void Instance_IsShared()
    {
        RandomKeyStrategy.Instance.Should().BeSameAs(RandomKeyStrategy.Instance);
    }

    private static ObjectKeyArguments Args(string fileName) => new("photos", fileName, "image/jpeg", null, Now);

    private static RandomKeyStrategy CreateSut() => RandomKeyStrategy.Instance;
}
