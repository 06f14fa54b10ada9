namespace DirectUpload.Tests;

public class UploadRejectionCodesTests
{
    [Fact]
    public void ToCode_EveryReason_HasAUniqueSnakeCaseCode()
    {
        var codes = Enum.GetValues<UploadRejectionReason>().Select(UploadRejectionCodes.ToCode).ToList();

        codes.Should().OnlyHaveUniqueItems().And.NotContain("rejected");
        codes.Should().AllSatisfy(c => c.Should().MatchRegex("^[a-z]+(_[a-z0-9]+)*$"));
    }

    [Theory]
    [InlineData(UploadRejectionReason.UnknownProfile, "unknown_profile")]
    [InlineData(UploadRejectionReason.InvalidFileName, "invalid_file_name")]
    [InlineData(UploadRejectionReason.ContentTypeNotAllowed, "content_type_not_allowed")]
    [InlineData(UploadRejectionReason.TooLarge, "too_large")]
    [InlineData(UploadRejectionReason.InvalidToken, "invalid_token")]
    [InlineData(UploadRejectionReason.Expired, "expired")]
    public void ToCode_DesignedCodes_ArePinned(UploadRejectionReason reason, string code)
    {
        UploadRejectionCodes.ToCode(reason).Should().Be(code);
        new UploadRejectedException(reason, "m").Code.Should().Be(code);
    }

    [Fact]
    public void ToCode_UndefinedReason_IsRejected()
    {
        UploadRejectionCodes.ToCode((UploadRejectionReason)999).Should().Be("rejected");
    }

    [Fact]
    public void UploadRejectedException_StandardConstructors_Work()
    {
        var inner = new InvalidOperationException();

        new UploadRejectedException().Message.Should().NotBeNullOrEmpty();
        new UploadRejectedException("m").Message.Should().Be("m");
        new UploadRejectedException("m", inner).InnerException.Should().BeSameAs(inner);
        new UploadRejectedException(UploadRejectionReason.TooSmall, "m", inner).Should().BeEquivalentTo(new { Reason = UploadRejectionReason.TooSmall, Message = "m", InnerException = inner });
    }
}
