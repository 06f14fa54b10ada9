using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace DirectUpload.AspNetCore.Tests.Infrastructure;

/// <summary>Request builders and response assertions for the endpoint tests.</summary>
public static class Http
{
    /// <summary>POSTs <paramref name="body"/> serialized as JSON (names as given: anonymous types keep their casing).</summary>
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body) =>
        client.PostRawAsync(path, JsonSerializer.Serialize(body));

    /// <summary>POSTs a raw body as <c>application/json</c>.</summary>
    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string body, string contentType = "application/json") =>
        client.PostAsync(path, new StringContent(body, Encoding.UTF8, MediaTypeHeaderValue.Parse(contentType)));

    /// <summary>A grant request body.</summary>
    public static object Grant(string fileName = "Holiday Photo.JPG", string contentType = "image/jpeg", long size = 1234, string? md5 = null) =>
        md5 is null
            ? new { fileName, contentType, size }
            : new { fileName, contentType, size, md5 };

    /// <summary>Asserts a 2xx-or-given status with a JSON body and returns the body.</summary>
    public static async Task<JsonElement> ShouldBeJsonAsync(this HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/json");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts an RFC 9457 problem with the given status and <c>code</c>, and returns it.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.Should().Be(status, body);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json", body);
        using var document = JsonDocument.Parse(body);
        var problem = document.RootElement.Clone();
        problem.GetProperty("code").GetString().Should().Be(code, body);
        problem.GetProperty("status").GetInt32().Should().Be((int)status);
        problem.GetProperty("title").GetString().Should().NotBeNullOrEmpty();
        problem.GetProperty("detail").GetString().Should().NotBeNullOrEmpty();
        return problem;
    }

    /// <summary>The names of an object's members, in order.</summary>
    public static string[] MemberNames(this JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();

    /// <summary>An object's members as a string dictionary.</summary>
    public static Dictionary<string, string> ToStringDictionary(this JsonElement element) =>
        element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);

    /// <summary>The query parameters of a URL, decoded.</summary>
    public static Dictionary<string, string> Query(string url) =>
        new Uri(url).Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : string.Empty), StringComparer.Ordinal);

    /// <summary>
    /// The JSON payload of an upload token: base64url before the dot (a multipart token), or after the <c>g2.</c> prefix
    /// (a single-request grant's token, made with its seal; its key is the second part, added here as <c>k</c>).
    /// </summary>
    public static JsonElement TokenPayload(string token)
    {
        var (start, end) = PayloadRange(token);
        var json = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(start, end - start)));
        if (start > 0)
        {
            var keyEnd = token.LastIndexOf('.');
            var key = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(end + 1, keyEnd - end - 1)));
            json = json[..^1] + ",\"k\":" + JsonSerializer.Serialize(key) + "}";
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// A token whose payload was edited (here: another declared size) while its MAC was kept: what a client that tries to
    /// stretch its grant would send.
    /// </summary>
    public static string Tamper(string token)
    {
        var (start, end) = PayloadRange(token);
        var json = Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token.AsSpan(start, end - start)));
        var size = TokenPayload(token).GetProperty("s").GetInt64();
        var edited = json.Replace($"\"s\":{size}", $"\"s\":{size + 1}", StringComparison.Ordinal);
        edited.Should().NotBe(json, "the tampering must change the payload");
        return string.Concat(token.AsSpan(0, start), System.Buffers.Text.Base64Url.EncodeToString(Encoding.UTF8.GetBytes(edited)), token.AsSpan(end));
    }

    private static (int Start, int End) PayloadRange(string token)
    {
        var start = token.StartsWith("g2.", StringComparison.Ordinal) ? 3 : 0;
        return (start, token.IndexOf('.', start));
    }
}

/// <summary>A body sent with <c>Transfer-Encoding: chunked</c> (no Content-Length), written in small pieces.</summary>
public sealed class ChunkedContent : HttpContent
{
    private readonly byte[] _bytes;

    public ChunkedContent(string text, string contentType = "application/json")
    {
        _bytes = Encoding.UTF8.GetBytes(text);
        Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        for (var offset = 0; offset < _bytes.Length; offset += 4096)
        {
            await stream.WriteAsync(_bytes.AsMemory(offset, Math.Min(4096, _bytes.Length - offset)));
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
