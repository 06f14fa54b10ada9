namespace DirectUpload.Tests.Keys;

public class RandomFileNameKeyStrategyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("Holiday Photo.JPG", "holiday-photo.jpg")]
    [InlineData("../Holiday Photo.JPG", "holiday-photo.jpg")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("..\\..\\windows\\system32\\cmd.exe", "cmd.exe")]
    [InlineData("C:\\x\\y.txt", "y.txt")]
    [InlineData("/absolute/path/Report.PDF", "report.pdf")]
    [InlineData("..", "file")]
    [InlineData(".", "file")]
    [InlineData("", "file")]
    [InlineData("///", "file")]
    [InlineData("dir/", "file")]
    [InlineData("  .jpg", "file.jpg")]
    [InlineData(".jpg", "jpg")]
    [InlineData("photo-.jpg", "photo.jpg")]
    [InlineData("--photo--", "photo")]
    [InlineData("a   --  b.png", "a-b.png")]
    [InlineData("__init__.py", "__init__.py")]
    [InlineData("archive.tar.GZ", "archive-tar.gz")]
    [InlineData("résumé (final).PDF", "résumé-final.pdf")]
    [InlineData("re\u0301sume\u0301.pdf", "résumé.pdf")]
    [InlineData("ÉCOLE.txt", "école.txt")]
    [InlineData("日本語 ファイル.txt", "日本語-ファイル.txt")]
    [InlineData("😀 party 🎉.gif", "party.gif")]
    [InlineData("evil\u202Egnp.exe", "evil-gnp.exe")]
    [InlineData("zero\u200Bwidth.png", "zero-width.png")]
    [InlineData("fullwidth\uFF0Fslash.png", "fullwidth-slash.png")]
    [InlineData("%2e%2e%2fetc.png", "2e-2e-2fetc.png")]
    [InlineData("a.b.c.d", "a-b-c.d")]
    public void SanitizeFileName_UntrustedName_ReturnsDocumentedSafeSegment(string fileName, string expected)
    {
        ObjectKeys.SanitizeFileName(fileName).Should().Be(expected);
    }

    [Fact]
    public void SanitizeFileName_LoneSurrogates_AreDropped()
    {
        // not InlineData: theory data is serialized for discovery, which turns lone surrogates into U+FFFD
        ObjectKeys.SanitizeFileName("lone\uD800surrogate.png").Should().Be("lone-surrogate.png");
        ObjectKeys.SanitizeFileName("\uDC00\uD800.png").Should().Be("file.png");
    }

    [Fact]
    public void SanitizeFileName_Null_ReturnsFile()
    {
        ObjectKeys.SanitizeFileName(null).Should().Be("file");
    }

    [Theory]
    [InlineData(300, "jpg")]
    [InlineData(300, "")]
    [InlineData(99, "png")]
    [InlineData(5000, "abcdefghij")]
    public void SanitizeFileName_LongName_IsCappedAndKeepsTheExtension(int stemLength, string extension)
    {
        var fileName = new string('x', stemLength) + (extension.Length > 0 ? "." + extension : string.Empty);

        var sanitized = ObjectKeys.SanitizeFileName(fileName);

        sanitized.Length.Should().BeLessThanOrEqualTo(ObjectKeys.MaxSanitizedFileNameLength);
        if (extension.Length > 0)
        {
            sanitized.Should().EndWith("." + extension);
        }
    }

    [Fact]
    public void SanitizeFileName_LongNameWithSeparators_NeverEndsStemWithDash()
    {
        var fileName = string.Concat(Enumerable.Repeat("ab ", 200)) + ".jpg";

        var sanitized = ObjectKeys.SanitizeFileName(fileName);

        sanitized.Length.Should().BeLessThanOrEqualTo(ObjectKeys.MaxSanitizedFileNameLength);
        sanitized.Should().NotContain("-.").And.NotStartWith("-").And.EndWith(".jpg");
    }

    [Fact]
    public void CreateKey_HolidayPhoto_IsIdDashSanitizedName()
    {
        var key = CreateSut().CreateKey(new ObjectKeyArguments("photos", "../Holiday Photo.JPG", "image/jpeg", null, Now));

        key.Should().MatchRegex("^[0-9a-hjkmnp-tv-z]{26}-holiday-photo\\.jpg$");
    }

    [Fact]
    public void CreateKey_SameName_IdsKeepKeysUnique()
    {
        var sut = CreateSut();

        var keys = Enumerable.Range(0, 1000).Select(_ => sut.CreateKey(new ObjectKeyArguments("p", "same.jpg", "image/jpeg", null, Now)));

        keys.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void CreateKey_PathTraversal_StaysOneSegment()
    {
        var key = CreateSut().CreateKey(new ObjectKeyArguments("p", "../../../../etc/passwd", "text/plain", null, Now));

        key.Should().NotContain("/").And.NotContain("..").And.EndWith("-passwd");
    }

    private static RandomFileNameKeyStrategy CreateSut() => RandomFileNameKeyStrategy.Instance;
}
