using System.Text;
using DirectUpload.S3.Internal;
using DirectUpload.Tests.TestUtilities;

namespace DirectUpload.Tests.Signing;

/// <summary>AWS's published worked examples (docs: "Authenticating Requests: Using Query Parameters" and "Example: Browser-Based Upload using HTTP POST").</summary>
public class SigV4SignerKnownAnswerTests
{
    private const string AccessKey = "AKIAIOSFODNN7EXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset ExampleInstant = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Presign_AwsQueryStringExample_MatchesPublishedUrl()
    {
        var signer = new SigV4Signer();
        var endpoint = new S3Endpoint("https", "s3.amazonaws.com", -1, PathStyle: false, Region: "us-east-1");

        var url = signer.Presign("GET", endpoint.AddressOf("examplebucket"), "test.txt", new SigningCredentials(AccessKey, SecretKey, null), TimeSpan.FromSeconds(86400), ExampleInstant);

        url.Should().Be(
            "https://examplebucket.s3.amazonaws.com/test.txt" +
            "?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
            "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
            "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
            "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
    }

    [Fact]
    public void SignPolicy_AwsPostExample_MatchesPublishedSignature()
    {
        // The policy of the published example, base64 as published.
        const string policy =
            "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9";
        var scope = new SigV4Signer().GetScope(AccessKey, SecretKey, new DateTime(2015, 12, 29, 0, 0, 0, DateTimeKind.Utc), "us-east-1");

        var signature = SigV4Signer.SignPolicy(Encoding.ASCII.GetBytes(policy), scope);

        signature.Should().Be("8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e");
    }
}
