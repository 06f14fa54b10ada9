using FluentAssertions;
using Xunit;

namespace DirectUpload.Tests.Events;

/// <summary>Parsing of event notifications as AWS (form-URL-encoded keys) and Ceph RGW (raw keys) send them.</summary>
public sealed class S3EventNotificationTests
{
    public static TheoryData<string, string> Keys => new()
    {
        { "photos/a b.png", "photos/a+b.png" },
        { "photos/a+b.png", "photos/a%2Bb.png" },
        { "photos/100%.png", "photos/100%25.png" },
        { "photos/ü 日本 😀.png", "photos/%C3%BC+%E6%97%A5%E6%9C%AC+%F0%9F%98%80.png" },
        { "photos/%41+ x", "photos/%2541%2B+x" },
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void Parse_AwsRecord_DecodesTheFormEncodedKey(string key, string encoded)
    {
        var events = S3EventNotification.Parse(Notification("aws:s3", "2.1", encoded));

        events.Should().ContainSingle().Which.Key.Should().Be(key);
        events[0].Source.Should().Be("aws:s3");
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Parse_RgwRecord_TakesTheKeyAsIs(string key, string encoded)
    {
        _ = encoded;
        var events = S3EventNotification.Parse(Notification("ceph:s3", "2.2", key, rgwMetadata: true));

        events.Should().ContainSingle().Which.Key.Should().Be(key);
        events[0].IsObjectCreated.Should().BeTrue();
        events[0].Region.Should().BeEmpty();
    }

    [Theory]
    [InlineData("photos/%zz.png")]
    [InlineData("photos/%4")]
    [InlineData("photos/%C3.png")]
    [InlineData("photos/%FF%FE")]
    public void Parse_AwsRecordWithMalformedEscapes_IsFormatException(string encoded)
    {
        var act = () => S3EventNotification.Parse(Notification("aws:s3", "2.1", encoded));

        act.Should().Throw<FormatException>();
    }

    [Fact]
    public void Parse_SnsEnvelope_ParsesTheMessage()
    {
        var inner = Notification("aws:s3", "2.1", "a+b");
        var envelope = System.Text.Json.JsonSerializer.Serialize(new { Type = "Notification", Message = inner });

        S3EventNotification.Parse(envelope).Should().ContainSingle().Which.Key.Should().Be("a b");
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{\"Records\":{}}")]
    [InlineData("{\"Records\":[{\"eventName\":\"ObjectCreated:Put\"}]}")]
    [InlineData("not json")]
    public void Parse_NotANotification_IsFormatException(string json)
    {
        var act = () => S3EventNotification.Parse(json);

        act.Should().Throw<FormatException>();
    }

    private static string Notification(string source, string version, string key, bool rgwMetadata = false) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            Records = new[]
            {
                new
                {
                    eventVersion = version,
                    eventSource = source,
                    awsRegion = source == "aws:s3" ? "us-east-1" : string.Empty,
                    eventTime = "2026-11-21T12:00:00.000Z",
                    eventName = "ObjectCreated:Put",
                    s3 = new
                    {
                        bucket = new { name = "b" },
                        @object = new
                        {
                            key,
                            size = 5,
                            eTag = "5d41402abc4b2a76b9719d911017c592",
                            metadata = rgwMetadata ? new object[] { new { key = "x-amz-meta-du-grant", val = "s1.x" } } : [],
                        },
                    },
                },
            },
        });
}
