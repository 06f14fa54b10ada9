using DirectUpload.Internal;

namespace DirectUpload.Tests.Internal;

public class ContentTypesTests
{
    [Theory]
    [InlineData("image/png", "image/png")]
    [InlineData("IMAGE/PNG", "image/png")]
    [InlineData("  image/png\t", "image/png")]
    [InlineData("text/plain; charset=UTF-8", "text/plain;charset=utf-8")]
    [InlineData("Text/Plain ;charset=utf-8", "text/plain;charset=utf-8")]
    [InlineData("text/plain;\tCHARSET=\"utf-8\"", "text/plain;charset=utf-8")]
    [InlineData("text/plain; Format=Flowed; charset=us-ascii", "text/plain;format=Flowed;charset=us-ascii")]
    [InlineData("application/x-thing; name=\"a b\"", "application/x-thing;name=\"a b\"")]
    [InlineData("application/vnd.api+json", "application/vnd.api+json")]
    [InlineData("application/x-www-form-urlencoded", "application/x-www-form-urlencoded")]
    public void Normalize_WellFormed_LowerCasesTheMediaTypeAndKeepsParameters(string value, string expected)
    {
        ContentTypes.Normalize(value).Should().Be(expected);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("image")]
    [InlineData("image/")]
    [InlineData("/png")]
    [InlineData("image/png/x")]
    [InlineData("image/*")]
    [InlineData("*/*")]
    [InlineData("image /png")]
    [InlineData("image/png\r\nX-Injected: 1")]
    [InlineData("image/pñg")]
    [InlineData("image/\"png\"")]
    [InlineData("im(age)/png")]
    [InlineData(";/png")]
    // issue 8: a browser takes the last type of a comma list, so these render as HTML
    [InlineData("text/plain; a=,text/html")]
    [InlineData("image/png; x=,text/html")]
    [InlineData("text/plain;,text/html")]
    [InlineData("text/plain,text/html")]
    [InlineData("text/plain; a=\",text/html\"")]
    [InlineData("text/plain, text/html")]
    // empty parts, bare names, duplicates, quoted-pairs, stray characters
    [InlineData("text/plain;")]
    [InlineData("text/plain;;charset=utf-8")]
    [InlineData("text/plain; charset")]
    [InlineData("text/plain; charset=")]
    [InlineData("text/plain; =utf-8")]
    [InlineData("text/plain; charset=utf-8; charset=latin1")]
    [InlineData("text/plain; charset=utf-8; CHARSET=latin1")]
    [InlineData("text/plain; a=\"x\\\"y\"")]
    [InlineData("text/plain; a=\"unterminated")]
    [InlineData("text/plain; a=\"x\"y")]
    [InlineData("text/plain; a = b")]
    [InlineData("text/plain charset=utf-8")]
    [InlineData("text/plain; charset=utf-8\u0000")]
    [InlineData("text/plain; charset=ütf-8")]
    [InlineData("text/plain;\u000bcharset=utf-8")]
    [InlineData("text/plain; a=\"\t\"")]
    [InlineData("text/plain\r\n; a=b")]
    public void Normalize_Malformed_ReturnsNull(string? value)
    {
        ContentTypes.Normalize(value).Should().BeNull();
    }

    [Theory]
    [InlineData("image/png", new[] { "image/png" }, true)]
    [InlineData("image/png", new[] { "IMAGE/PNG" }, true)]
    [InlineData("image/png", new[] { "image/*" }, true)]
    [InlineData("image/png", new[] { "Image/*" }, true)]
    [InlineData("image/png", new[] { "*/*" }, true)]
    [InlineData("image/png;x=y", new[] { "image/png" }, true)]
    [InlineData("image/png", new[] { "image/jpeg", "video/*" }, false)]
    [InlineData("image/png", new[] { "imag/*" }, false)]
    [InlineData("images/png", new[] { "image/*" }, false)]
    [InlineData("image/pngx", new[] { "image/png" }, false)]
    [InlineData("image/png", new string[0], false)]
    public void IsAllowed_Patterns_MatchExactlyOrByTypeWildcard(string normalized, string[] patterns, bool expected)
    {
        AllowedMediaTypes.Parse(patterns).IsAllowed(normalized).Should().Be(expected);
    }

    [Theory]
    [InlineData("text/plain;charset=utf-8", true)]
    [InlineData("text/html;charset=utf-8", true)]
    [InlineData("text/plain", true)]
    [InlineData("image/png", true)]
    [InlineData("image/png;charset=utf-8", false)]
    [InlineData("text/plain;format=flowed", false)]
    [InlineData("text/plain;charset=\"a b\"", false)]
    [InlineData("application/json;charset=utf-8", false)]
    public void HasAllowedParameters_OnlyCharsetOnText(string value, bool expected)
    {
        ContentTypes.TryParse(value, out var parsed).Should().BeTrue();
        ContentTypes.HasAllowedParameters(parsed).Should().Be(expected);
    }

    [Fact]
    public void TryParse_SplitsTypeAndParameters()
    {
        ContentTypes.TryParse("Text/Plain; Charset=\"UTF-8\"", out var parsed).Should().BeTrue();
        parsed.MediaType.Should().Be("text/plain");
        parsed.Parameters.Should().ContainSingle().Which.Should().Be(new KeyValuePair<string, string>("charset", "utf-8"));
        parsed.Normalized.Should().Be("text/plain;charset=utf-8");
    }
}
