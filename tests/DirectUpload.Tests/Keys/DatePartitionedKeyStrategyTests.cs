using System.Globalization;
using DirectUpload.Tests.TestUtilities;

namespace DirectUpload.Tests.Keys;

public class DatePartitionedKeyStrategyTests
{
    [Theory]
    [InlineData("2026-11-21T12:00:00+00:00", "2026/11/21/")]
    [InlineData("2026-11-21T23:30:00+05:00", "2026/11/21/")]
    [InlineData("2026-11-21T22:00:00-05:00", "2026/11/22/")]
    [InlineData("2026-01-01T00:30:00+01:00", "2025/12/31/")]
    [InlineData("0001-01-01T00:00:00+00:00", "0001/01/01/")]
    public void CreateKey_Timestamp_PrefixesTheUtcDate(string timestamp, string expectedPrefix)
    {
        var sut = CreateSut();

        var key = sut.CreateKey(Args(DateTimeOffset.Parse(timestamp, CultureInfo.InvariantCulture)));

        key.Should().Be(expectedPrefix + "inner.bin");
    }

    [Theory]
    [InlineData("th-TH")]
    [InlineData("ar-SA")]
    [InlineData("fa-IR")]
    [InlineData("ja-JP")]
    public void CreateKey_NonGregorianCurrentCulture_StillUsesInvariantDigitsAndCalendar(string culture)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo(culture);
        try
        {
            CreateSut().CreateKey(Args(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero))).Should().Be("2026/11/21/inner.bin");
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void Constructor_NullInner_ThrowsWithParameterName()
    {
        var act = () => new DatePartitionedKeyStrategy(null!);

        act.Should().Throw<ArgumentNullException>().WithParameterName("inner");
    }

    private static ObjectKeyArguments Args(DateTimeOffset timestamp) => new("p", "f.png", "image/png", null, timestamp);

    private static DatePartitionedKeyStrategy CreateSut() => new(new FixedKeyStrategy("inner.bin"));
}
