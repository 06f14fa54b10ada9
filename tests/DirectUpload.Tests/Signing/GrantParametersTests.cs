using System.Text;
using DirectUpload.S3.Internal;

namespace DirectUpload.Tests.Signing;

/// <summary>The headers or fields of a grant, and a value kept as base64 bytes (the POST policy) until read as text.</summary>
public class GrantParametersTests
{
    [Fact]
    public void AddBase64_ValueReadAnyWay_IsItsText()
    {
        var fields = Fields();

        fields["policy"].Should().Be("eyJ+/w==");
        fields.TryGetValue("policy", out var value).Should().BeTrue();
        value.Should().Be("eyJ+/w==");
        fields.At(1).Should().Be(new KeyValuePair<string, string>("policy", "eyJ+/w=="));
        fields.Should().Equal(new Dictionary<string, string> { ["key"] = "a.pdf", ["policy"] = "eyJ+/w==", ["x-amz-signature"] = "5f" });
        fields.Values.Should().Equal("a.pdf", "eyJ+/w==", "5f");
        fields.NameAt(1).Should().Be("policy");
    }

    [Fact]
    public void TryGetBase64_Base64Value_IsItsBytesAndOthersAreNot()
    {
        var fields = Fields();

        fields.TryGetBase64(1, out var base64).Should().BeTrue();
        Encoding.ASCII.GetString(base64).Should().Be("eyJ+/w==");
        fields.TryGetBase64(0, out _).Should().BeFalse();
        fields.TryGetBase64(2, out _).Should().BeFalse();
    }

    [Fact]
    public void Set_Base64Value_ReplacesTextAndBytes()
    {
        var fields = Fields();

        fields.Set("policy", "other");

        fields["policy"].Should().Be("other");
        fields.TryGetBase64(1, out _).Should().BeFalse();
        fields.Count.Should().Be(3);
    }

    [Fact]
    public void At_ManyThreadsReadingABase64Value_AllGetOneText()
    {
        var fields = Fields();
        var texts = new string[64];

        Parallel.For(0, texts.Length, i => texts[i] = fields.At(1).Value);

        texts.Should().OnlyContain(t => ReferenceEquals(t, texts[0]));
        texts[0].Should().Be("eyJ+/w==");
    }

    private static GrantParameters Fields()
    {
        var fields = new GrantParameters(3, StringComparer.Ordinal);
        fields.Add("key", "a.pdf");
        fields.AddBase64("policy", Encoding.ASCII.GetBytes("eyJ+/w=="));
        fields.Add("x-amz-signature", "5f");
        return fields;
    }
}
