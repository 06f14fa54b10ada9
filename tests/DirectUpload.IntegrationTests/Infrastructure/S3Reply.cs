using System.Net;
using System.Xml.Linq;
using FluentAssertions.Execution;

namespace DirectUpload.IntegrationTests.Infrastructure;

/// <summary>What an S3 store answered: status, ETag, the raw body and, for an XML error, its <c>Code</c> and <c>Message</c>.</summary>
public sealed record S3Reply(string Method, string Url, HttpStatusCode Status, string Body, string? Code, string? Message, string? ETag)
{
    public int StatusCode => (int)Status;

    public static S3Reply From(HttpRequestMessage request, HttpResponseMessage response, string body)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        string? code = null;
        string? message = null;
        if (body.Contains("<Error", StringComparison.Ordinal))
        {
            try
            {
                var root = XDocument.Parse(body).Root;
                if (root?.Name.LocalName == "Error")
                {
                    code = root.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
                    message = root.Elements().FirstOrDefault(e => e.Name.LocalName == "Message")?.Value;
                }
            }
            catch (System.Xml.XmlException)
            {
                // not XML after all: keep the body for the failure message
            }
        }

        return new S3Reply(
            request.Method.Method,
            request.RequestUri?.GetLeftPart(UriPartial.Path) ?? string.Empty,
            response.StatusCode,
            body,
            code,
            message,
            response.Headers.ETag?.Tag);
    }

    /// <summary>One line for test output: <c>403 SignatureDoesNotMatch (message)</c>.</summary>
    public override string ToString() =>
        $"{StatusCode} {Code ?? "(no error code)"}{(string.IsNullOrEmpty(Message) ? string.Empty : $" ({Message})")}";

    /// <summary>Asserts a 2xx with the given status.</summary>
    public S3Reply ShouldSucceed(HttpStatusCode expected)
    {
        using (new AssertionScope())
        {
            Status.Should().Be(expected, $"{Method} {Url} should have been accepted; S3 said: {this}\n{Body}");
        }

        return this;
    }

    /// <summary>
    /// Asserts a refusal: one of <paramref name="statuses"/> and, when the store sent an error body, one of
    /// <paramref name="codes"/> (the union of what AWS documents and what RGW was observed to return).
    /// </summary>
    public S3Reply ShouldBeRefused(int[] statuses, params string[] codes)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        ArgumentNullException.ThrowIfNull(codes);
        using (new AssertionScope())
        {
            StatusCode.Should().BeOneOf(statuses, $"{Method} {Url} must be refused; S3 said: {this}\n{Body}");
            if (Method != "HEAD")
            {
                Code.Should().BeOneOf(codes, $"the S3 error code of the refusal ({this}) must be one of the expected ones");
            }
        }

        return this;
    }
}
