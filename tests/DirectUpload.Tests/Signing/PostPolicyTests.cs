using System.Security.Cryptography;
using System.Text;
using DirectUpload.S3.Internal;

namespace DirectUpload.Tests.Signing;

public class PostPolicyTests
{
    private static readonly SigningScope Scope = new(
        "AKIDEXAMPLE", "secret", 20261202, "20261202", "us-east-1", Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());

    public static TheoryData<string, string> Instants() => new()
    {
        { "2026-12-02T01:02:03.0000000Z", "2026-12-02T01:02:03.000Z" },
        { "2026-12-02T23:59:59.9999999Z", "2026-12-02T23:59:59.999Z" },
        { "0001-01-01T00:00:00.0010000Z", "0001-01-01T00:00:00.001Z" },
        { "9999-12-31T12:34:56.7890000Z", "9999-12-31T12:34:56.789Z" },
        { "2024-02-29T09:08:07.0450000Z", "2024-02-29T09:08:07.045Z" },
    };

    [Theory]
    [MemberData(nameof(Instants))]
    public void CreateSigned_AnyInstant_WritesTheExpirationAsTheReferenceWriterDoes(string instant, string expected)
    {
        var expiration = DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);
        var fields = Fields(("key", "uploads/a.pdf"), ("Content-Type", "application/pdf"));

        var (policy, _) = PostPolicy.CreateSigned(expiration, "bucket", fields, 1, 100, Scope);

        var json = Encoding.UTF8.GetString(Convert.FromBase64String(Encoding.ASCII.GetString(policy)));
        json.Should().StartWith($"{{\"expiration\":\"{expected}\",");
        json.Should().Be(Encoding.UTF8.GetString(PostPolicy.Write(expiration, Conditions("bucket", fields), 1, 100)));
    }

    [Theory]
    [InlineData("ascii")]
    [InlineData("escapes")]
    [InlineData("unicode")]
    public void CreateSigned_AnyFields_IsTheReferencePolicyAndItsSignature(string kind)
    {
        var value = kind switch
        {
            "ascii" => "plain value",
            "escapes" => "quote \" back \\ tab \t <html> & 'x' +`y`",
            _ => "ünïcødé 名前",
        };
        var fields = Fields(("key", "uploads/" + value), ("Content-Type", "text/plain"), ("x-amz-meta-note", value));
        var expiration = new DateTimeOffset(2026, 12, 2, 1, 2, 3, 456, TimeSpan.Zero);

        var (policy, signature) = PostPolicy.CreateSigned(expiration, "bucket", fields, 7, 700, Scope);

        var reference = Convert.ToBase64String(PostPolicy.Write(expiration, Conditions("bucket", fields), 7, 700));
        Encoding.ASCII.GetString(policy).Should().Be(reference);
        signature.Should().Be(Convert.ToHexStringLower(HMACSHA256.HashData(Scope.Key, Encoding.ASCII.GetBytes(reference))));
    }

    private static GrantParameters Fields(params (string Name, string Value)[] entries)
    {
        var fields = new GrantParameters(entries.Length, StringComparer.Ordinal);
        foreach (var (name, value) in entries)
        {
            fields.Add(name, value);
        }

        return fields;
    }

    private static List<KeyValuePair<string, string>> Conditions(string bucket, GrantParameters fields) =>
        [new("bucket", bucket), .. fields];
}
