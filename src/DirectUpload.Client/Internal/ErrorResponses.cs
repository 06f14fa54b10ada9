using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml;
using System.Xml.Linq;

namespace DirectUpload.Client.Internal;

/// <summary>Turns failed answers of the host (problem details) and of the store (S3 XML errors) into exceptions.</summary>
internal static class ErrorResponses
{
    private const int MaxStorageErrorChars = 64 * 1024;

    /// <summary>Reads a host's <c>application/problem+json</c> answer; anything else becomes <c>unexpected_response</c>.</summary>
    public static async Task<DirectUploadClientException> FromHostAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (mediaType is not null && mediaType.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var problem = await response.Content.ReadFromJsonAsync(ClientJsonContext.Default.ProblemBody, cancellationToken).ConfigureAwait(false);
                if (problem is not null)
                {
                    var code = string.IsNullOrWhiteSpace(problem.Code) ? DirectUploadErrorCodes.UnexpectedResponse : problem.Code;
                    return new DirectUploadClientException(code, status, problem.Title, problem.Detail) { RetryAfter = RetryAfter(response) };
                }
            }
            catch (JsonException)
            {
                // Not a problem document after all: reported as an unexpected answer below.
            }
        }

        return new DirectUploadClientException(
            DirectUploadErrorCodes.UnexpectedResponse,
            status,
            response.ReasonPhrase,
            "The host answered without problem details.")
        { RetryAfter = RetryAfter(response) };
    }

    /// <summary>Reads an S3 XML error (<c>&lt;Error&gt;&lt;Code&gt;…&lt;Message&gt;…</c>) into a <c>storage_error:</c> exception.</summary>
    public static async Task<DirectUploadClientException> FromStorageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        string? code = null;
        string? message = null;
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (body.Length is > 0 and <= MaxStorageErrorChars)
            {
                (code, message) = ParseS3Error(body);
            }
        }
        catch (HttpRequestException)
        {
            // The error body could not be read; the status still tells what happened.
        }

        code = string.IsNullOrWhiteSpace(code) ? StatusName(status) : code.Trim();
        var (clientCode, title) = Classify(status, code);

        // A code of the client's own keeps the store's code in the detail.
        var detail = clientCode == DirectUploadErrorCodes.StorageErrorPrefix + code ? message : message is null ? code : $"{code}: {message}";
        return new DirectUploadClientException(clientCode, status, title, detail)
        { RetryAfter = RetryAfter(response) };
    }

    /// <summary>
    /// The client's code of a store's refusal: throttling (<c>503 SlowDown</c> from AWS and RGW's rate limits, any 503, 429)
    /// and lack of space (<c>QuotaExceeded</c>, <c>507</c>) get codes of their own; the rest <c>storage_error:{S3 code}</c>.
    /// </summary>
    internal static (string Code, string Title) Classify(HttpStatusCode status, string s3Code) => s3Code switch
    {
        "SlowDown" or "ServiceUnavailable" or "TooManyRequests" or "RequestLimitExceeded" => (DirectUploadErrorCodes.StorageThrottled, "The store asked to slow down."),
        "QuotaExceeded" or "InsufficientCapacity" or "InsufficientStorage" => (DirectUploadErrorCodes.StorageFull, "The store has no room for the upload."),
        _ when status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests => (DirectUploadErrorCodes.StorageThrottled, "The store asked to slow down."),
        _ when status is HttpStatusCode.InsufficientStorage => (DirectUploadErrorCodes.StorageFull, "The store has no room for the upload."),
        _ => (DirectUploadErrorCodes.StorageErrorPrefix + s3Code, "The store refused the request."),
    };

    internal static (string? Code, string? Message) ParseS3Error(string body)
    {
        try
        {
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
            using var text = new StringReader(body);
            using var reader = XmlReader.Create(text, settings);
            var root = XDocument.Load(reader).Root;
            if (root is null)
            {
                return (null, null);
            }

            return (Child(root, "Code"), Child(root, "Message"));
        }
        catch (XmlException)
        {
            return (null, null);
        }

        static string? Child(XElement element, string name) =>
            element.Elements().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
    }

    private static string StatusName(HttpStatusCode status) =>
        Enum.IsDefined(status) ? status.ToString() : ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static RetryConditionHeaderValue? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter;
}
