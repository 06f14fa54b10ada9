using DirectUpload.Internal;

namespace DirectUpload.Tests.Internal;

public class ContentTypesTests
{
    [Theory]
    [InlineData("image/png", "image/png")]
    [InlineData("IMAGE/PNG", "image/png")]
    [InlineData("  image/png\t", "image/png")]
    [InlineData("text/plain; charset=UTF-8", "text/plain; charset=UTF-8")]
    [InlineData("Text/Plain ;charset=utf-8", "text/plain;charset=utf-8")]
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
    [InlineData("image/png; x=y", new[] { "image/png" }, true)]
    [InlineData("image/png", new[] { "image/jpeg", "video/*" }, false)]
    [InlineData("image/png", new[] { "imag/*" }, false)]
    [InlineData("images/png", new[] { "image/*" }, false)]
    [InlineData("image/pngx", new[] { "image/png" }, false)]
    [InlineData("image/png", new string[0], false)]
    public void IsAllowed_Patterns_MatchExactlyOrByTypeWildcard(string normalized, string[] patterns, bool expected)
    {
        ContentTypes.IsAllowed(normalized, patterns).Should().Be(expected);
    }
}
