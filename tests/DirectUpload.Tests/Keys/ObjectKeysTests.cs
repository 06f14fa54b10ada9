namespace DirectUpload.Tests.Keys;

public class ObjectKeysTests
{
    [Theory]
    [InlineData("a", "")]
    [InlineData("photo.jpg", "")]
    [InlineData("photos/x.jpg", "photos/")]
    [InlineData("a/b/c/d.txt", "a/")]
    [InlineData("日本/語.txt", "")]
    [InlineData("😀/🎉", "")]
    [InlineData("a b/c+d%e~f", "")]
    [InlineData("...", "")]
    [InlineData("a/.../b", "")]
    [InlineData(".hidden", "")]
    [InlineData("a./b..", "")]
    public void IsValidKey_WellFormedKey_ReturnsTrue(string key, string prefix)
    {
        ObjectKeys.IsValidKey(key, prefix, out var problem).Should().BeTrue();
        problem.Should().BeNull();
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("photos/", "photos/")]
    [InlineData("other/x.jpg", "photos/")]
    [InlineData("Photos/x.jpg", "photos/")]
    [InlineData("photosx.jpg", "photos/")]
    [InlineData("/abs", "")]
    [InlineData("a//b", "")]
    [InlineData("a/", "")]
    [InlineData(".", "")]
    [InlineData("..", "")]
    [InlineData("./a", "")]
    [InlineData("a/./b", "")]
    [InlineData("a/../b", "")]
    [InlineData("photos/../x", "photos/")]
    [InlineData("a/..", "")]
    [InlineData("a\\b", "")]
    [InlineData("a\0b", "")]
    [InlineData("a\tb", "")]
    [InlineData("a\u007fb", "")]
    [InlineData("a\u0085b", "")]
    [InlineData("a\u2028b", "")]
    [InlineData("a\u2029b", "")]
    [InlineData("\uFEFFa", "")]
    public void IsValidKey_MalformedKey_ReturnsFalseWithProblem(string? key, string prefix)
    {
        ObjectKeys.IsValidKey(key, prefix, out var problem).Should().BeFalse();
        problem.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public void IsValidKey_LoneSurrogate_ReturnsFalseWithProblem()
    {
        // not InlineData: theory data is serialized for discovery, which turns lone surrogates into U+FFFD
        foreach (var key in new[] { "a\uD800", "a\uDC00b", "\uDE00\uD83D", "\uD83D" })
        {
            ObjectKeys.IsValidKey(key, "", out var problem).Should().BeFalse();
            problem.Should().Contain("UTF-16");
        }
    }

    [Fact]
    public void IsValidKey_Exactly1024Utf8Bytes_IsValid()
    {
        var key = "d/" + new string('é', 511);

        System.Text.Encoding.UTF8.GetByteCount(key).Should().Be(1024);
        ObjectKeys.IsValidKey(key, "", out _).Should().BeTrue();
    }

    [Fact]
    public void IsValidKey_EachAsciiAndLatin1Character_ValidExactlyWhenPrintableAndNotABackslash()
    {
        // the printable-ASCII fast path and the character-by-character check must agree at every boundary
        for (var c = '\0'; c <= '\u00FF'; c++)
        {
            var expected = c is >= ' ' and <= '~' && c != '\\' || c >= '\u00A0';
            ObjectKeys.IsValidKey($"k/a{c}b", "k/", out var problem).Should().Be(expected, $"U+{(int)c:X4}: {problem}");
        }
    }

    [Fact]
    public void IsValidKey_Exactly1024AsciiBytes_IsValid()
    {
        ObjectKeys.IsValidKey("k/" + new string('a', 1022), "k/", out _).Should().BeTrue();
        ObjectKeys.IsValidKey("k/" + new string('a', 1023), "k/", out var problem).Should().BeFalse();
        problem.Should().Contain("1024");
    }

    [Theory]
    [InlineData(1025, 'a')]
    [InlineData(513, 'é')]
    [InlineData(342, '日')]
    public void IsValidKey_Over1024Utf8Bytes_IsInvalid(int count, char c)
    {
        ObjectKeys.IsValidKey(new string(c, count), "", out var problem).Should().BeFalse();
        problem.Should().Contain("1024");
    }

    [Fact]
    public void IsValidKey_NullPrefix_ThrowsWithParameterName()
    {
        var act = () => ObjectKeys.IsValidKey("a", null!, out _);

        act.Should().Throw<ArgumentNullException>().WithParameterName("prefix");
    }

    [Theory]
    [InlineData("photo.JPG", "jpg")]
    [InlineData("x.tar.gz", "gz")]
    [InlineData("x.", "")]
    [InlineData(".x", "")]
    [InlineData("x", "")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("x.abcdefghijk", "")]
    [InlineData("x.j_g", "")]
    public void GetExtension_FileName_ReturnsShortAlphanumericLowerCaseExtension(string? fileName, string expected)
    {
        ObjectKeys.GetExtension(fileName).Should().Be(expected);
    }
}
