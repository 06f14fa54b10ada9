using System.Text;
using DirectUpload.S3.Internal;

namespace DirectUpload.Tests.Signing;

/// <summary>The headers or fields of a grant, and a value kept as ASCII bytes (the POST policy) until read as text.</summary>
public class GrantParametersTests
{
    [Fact]
    public void AddAscii_ValueReadAnyWay_IsItsText()
    {
        var fields = Fields();

        fields["policy"].Should().Be("eyJ+/=");
        fields.TryGetValue("policy", out var value).Should().BeTrue();
        value.Should().Be("eyJ+/=");
        fields.At(1).Should().Be(new KeyValuePair<string, string>("policy", "eyJ+/="));
        fields.Should().Equal(new Dictionary<string, string> { ["key"] = "a.pdf", ["policy"] = "eyJ+/=", ["x-amz-signature"] = "5f" });
        fields.Values.Should().Equal("a.pdf", "eyJ+/=", "5f");
        fields.NameAt(1).Should().Be("policy");
    }

    [Fact]
    public void TryGetAscii_AsciiValue_IsItsBytesAndOthersAreNot()
    {
        var fields = Fields();

        fields.TryGetAscii(1, out var ascii).Should().BeTrue();
        Encoding.ASCII.GetString(ascii).Should().Be("eyJ+/=");
        fields.TryGetAscii(0, out _).Should().BeFalse();
        fields.TryGetAscii(2, out _).Should().BeFalse();
    }

    [Fact]
    public void Set_AsciiValue_ReplacesTextAndBytes()
    {
        var fields = Fields();

        fields.Set("policy", "other");

        fields["policy"].Should().Be("other");
        fields.TryGetAscii(1, out _).Should().BeFalse();
        fields.Count.Should().Be(3);
    }

    [Fact]
    public void At_ManyThreadsReadingAnAsciiValue_AllGetOneText()
    {
        var fields = Fields();
        var texts = new string[64];

        Parallel.For(0, texts.Length, i => texts[i] = fields.At(1).Value);

        texts.Should().OnlyContain(t => ReferenceEquals(t, texts[0]));
        texts[0].Should().Be("eyJ+/=");
    }

    private static GrantParameters Fields()
    {
        var fields = new GrantParameters(3, StringComparer.Ordinal);
        fields.Add("key", "a.pdf");
        fields.AddAscii("policy", Encoding.ASCII.GetBytes("eyJ+/="));
        fields.Add("x-amz-signature", "5f");
        return fields;
    }
}
