using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace DirectUpload.IntegrationTests.Infrastructure;

/// <summary>
/// Follows an <see cref="UploadGrant"/> blindly, as a browser or phone would: a PUT with exactly the grant's method, URL
/// (verbatim) and headers; or a POST of <c>multipart/form-data</c> with the grant's fields in order and the file last,
/// in a field named <c>file</c>. Nothing here knows S3: it only reads the grant.
/// </summary>
/// <remarks>
/// Kept deliberately small and self-contained so that a .NET client helper shipped by the library can replace it later.
/// The Build* methods are public so tests can tamper with a request the same way an attacker would.
/// </remarks>
public sealed class GrantFollower
{
    private readonly HttpClient _http;

    public GrantFollower(HttpClient http) => _http = http;

    /// <summary>Uploads <paramref name="body"/> exactly as the grant says.</summary>
    public async Task<S3Reply> FollowAsync(UploadGrant grant, byte[] body, CancellationToken cancellationToken = default)
    {
        using var request = BuildRequest(grant, body);
        return await SendAsync(request, cancellationToken);
    }

    /// <summary>The request a blind client sends for a grant.</summary>
    public static HttpRequestMessage BuildRequest(UploadGrant grant, byte[] body)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(body);
        switch (grant.Method)
        {
            case "PUT":
                if (grant.Headers.TryGetValue("Content-Length", out var length))
                {
                    // HttpClient sets Content-Length from the body; a grant that names another length cannot be followed.
                    long.Parse(length, NumberStyles.None, CultureInfo.InvariantCulture).Should().Be(
                        body.Length, "the grant's Content-Length must equal the body a client sends (HttpClient sets it from the body)");
                }

                return BuildPut(HttpMethod.Put, grant.Url, grant.Headers, body);
            case "POST":
                grant.Headers.Should().BeEmpty("a POST grant carries everything in its form fields");
                return BuildPost(grant.Url, grant.Fields, body);
            default:
                throw new InvalidOperationException($"The grant's method '{grant.Method}' is neither PUT nor POST.");
        }
    }

    /// <summary>
    /// A request to <paramref name="url"/> used verbatim, with <paramref name="headers"/>: <c>Content-*</c> (and other
    /// content headers) on the body, the rest on the request; <c>Content-Length</c> is skipped (set from the body).
    /// </summary>
    public static HttpRequestMessage BuildPut(HttpMethod method, string url, IEnumerable<KeyValuePair<string, string>> headers, byte[]? body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var request = new HttpRequestMessage(method, url);

        // .NET's Uri must not re-encode or decode what was signed: what goes on the wire is AbsoluteUri's path and query.
        request.RequestUri!.AbsoluteUri.Should().Be(url, "System.Uri must keep the grant's URL (its percent-encoding) byte for byte");

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
        }

        foreach (var (name, value) in headers)
        {
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) || name.Equals("Expires", StringComparison.OrdinalIgnoreCase))
            {
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, value).Should().BeTrue($"{name} is a content header");
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value).Should().BeTrue($"{name} is a request header");
            }
        }

        return request;
    }

    /// <summary>
    /// A browser-like <c>multipart/form-data</c> POST: one part per field, in order, with no part Content-Type; then the file,
    /// named <c>file</c>, typed like the <c>Content-Type</c> field (as a browser types a file it was given).
    /// </summary>
    public static HttpRequestMessage BuildPost(string url, IEnumerable<KeyValuePair<string, string>> fields, byte[] file, string fileName = "upload.bin")
    {
        ArgumentNullException.ThrowIfNull(fields);
        ArgumentNullException.ThrowIfNull(file);
        var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.RequestUri!.AbsoluteUri.Should().Be(url, "System.Uri must keep the grant's URL byte for byte");

        var boundary = "----DirectUploadFormBoundary" + Guid.NewGuid().ToString("N");
        var form = new MultipartFormDataContent(boundary);

        // browsers do not quote the boundary; MultipartFormDataContent would
        form.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=" + boundary);
        string? contentType = null;
        foreach (var (name, value) in fields)
        {
            var part = new ByteArrayContent(Encoding.UTF8.GetBytes(value));
            part.Headers.TryAddWithoutValidation("Content-Disposition", $"form-data; name=\"{Escape(name)}\"");
            form.Add(part);
            if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
        }

        var filePart = new ByteArrayContent(file);
        filePart.Headers.TryAddWithoutValidation("Content-Disposition", $"form-data; name=\"file\"; filename=\"{Escape(fileName)}\"");
        filePart.Headers.TryAddWithoutValidation("Content-Type", contentType ?? "application/octet-stream");
        form.Add(filePart);
        request.Content = form;
        return request;
    }

    /// <summary>Sends a request and reads the S3 reply (status, headers, body, and the error code of an XML error body).</summary>
    public async Task<S3Reply> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var response = await _http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return S3Reply.From(request, response, body);
    }

    // browsers percent-encode '"' and line breaks in form-data names (WHATWG); no grant field needs more
    private static string Escape(string value) =>
        value.Replace("\"", "%22", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);
}
