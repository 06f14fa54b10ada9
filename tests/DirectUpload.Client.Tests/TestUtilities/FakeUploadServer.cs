using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DirectUpload.Client.Tests.TestUtilities;

/// <summary>One request the fake saw: method, URI (path and query exactly as sent), headers and body.</summary>
public sealed record RecordedRequest(
    HttpMethod Method,
    Uri Uri,
    string PathAndQuery,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body)
{
    public bool IsStorage => Uri.Host == "s3.test";

    public int? PartNumber => QueryValue("partNumber") is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : null;

    public string? QueryValue(string name) =>
        Uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p[0] == name)
            .Select(p => Uri.UnescapeDataString(p.Length > 1 ? p[1] : string.Empty))
            .FirstOrDefault();

    public JsonNode Json => JsonNode.Parse(Body)!;
}

/// <summary>
/// An in-memory fake that plays both the DirectUpload host API (DESIGN §7, base path <c>/uploads</c> on https://app.test)
/// and S3 (https://s3.test/bucket): it issues grants and part URLs, stores objects and parts, records every request,
/// and lets a test inject failures and delays into storage requests.
/// </summary>
public sealed class FakeUploadServer : HttpMessageHandler
{
    public static readonly Uri HostAddress = new("https://app.test/");
    public const string StorageRoot = "https://s3.test/bucket";

    private readonly ConcurrentDictionary<string, Upload> _uploads = new();
    private readonly ConcurrentDictionary<string, Grant> _grants = new();
    private int _inFlight;
    private int _signGeneration;

    /// <summary>Gets or sets the method of single-request grants: PUT or POST.</summary>
    public string GrantMethod { get; set; } = "PUT";

    /// <summary>Gets or sets a value indicating whether the profile allows single-request uploads.</summary>
    public bool SingleAllowed { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether the profile allows multipart uploads.</summary>
    public bool MultipartAllowed { get; set; } = true;

    /// <summary>Gets or sets the part size of multipart uploads.</summary>
    public long PartSize { get; set; } = 1024;

    /// <summary>Gets or sets the percent-encoded object key (used verbatim in URLs); null derives one from the file name.</summary>
    public string? EncodedKey { get; set; }

    /// <summary>Gets or sets extra headers every PUT grant binds.</summary>
    public IDictionary<string, string> ExtraPutHeaders { get; } = new Dictionary<string, string>();

    /// <summary>Gets or sets a hook run for every storage request before the fake handles it; a response it returns is answered instead.</summary>
    public Func<RecordedRequest, HttpResponseMessage?>? OnStorage { get; set; }

    /// <summary>Gets or sets a value indicating whether part signing requires each part's Content-MD5 (a RequireContentMd5 profile).</summary>
    public bool RequirePartMd5 { get; set; }

    /// <summary>Gets or sets a hook that makes a storage request hang (never answer) until the client aborts it.</summary>
    public Func<RecordedRequest, bool>? StallWhen { get; set; }

    /// <summary>Gets or sets how long each storage request takes (lets parallel parts overlap).</summary>
    public TimeSpan StorageDelay { get; set; }

    /// <summary>Gets or sets a value indicating whether the store answers PUTs without an ETag header.</summary>
    public bool OmitETag { get; set; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public ConcurrentDictionary<string, byte[]> Objects { get; } = new();

    /// <summary>Gets the most storage requests seen in flight at once.</summary>
    public int MaxInFlight { get; private set; }

    public IReadOnlyList<RecordedRequest> HostRequests => Requests.Where(r => !r.IsStorage).ToList();

    public IReadOnlyList<RecordedRequest> StorageRequests => Requests.Where(r => r.IsStorage).ToList();

    public IReadOnlyList<RecordedRequest> HostCalls(HttpMethod method, string path) =>
        HostRequests.Where(r => r.Method == method && r.Uri.AbsolutePath == path).ToList();

    /// <summary>Gets the part numbers the store holds for the (only) multipart upload.</summary>
    public IReadOnlyCollection<int> StoredParts => _uploads.Values.Single().Parts.Keys.OrderBy(n => n).ToList();

    /// <summary>A host client (authenticated, as an app's would be) and a separate storage client, both on this fake.</summary>
    public DirectUploadClient CreateClient(HttpClient? apiClient = null)
    {
        apiClient ??= CreateApiClient();
        return new DirectUploadClient(apiClient, new HttpClient(this, disposeHandler: false), new DirectUploadClientOptions { BasePath = "/uploads" });
    }

    public HttpClient CreateApiClient()
    {
        var api = new HttpClient(this, disposeHandler: false) { BaseAddress = HostAddress };
        api.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "app-secret");
        return api;
    }

    public static HttpResponseMessage S3Error(HttpStatusCode status, string code, string message = "Injected.") => new(status)
    {
        Content = new StringContent(
            $"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>{code}</Code><Message>{message}</Message><RequestId>R1</RequestId></Error>",
            Encoding.UTF8,
            "application/xml"),
    };

    public static HttpResponseMessage Problem(HttpStatusCode status, string code, string title = "Refused", string? detail = null)
    {
        var json = new JsonObject
        {
            ["type"] = "https://directupload.dev/problems/" + code,
            ["title"] = title,
            ["status"] = (int)status,
            ["detail"] = detail ?? $"Refused with {code}.",
            ["code"] = code,
            ["traceId"] = "00-abc",
        };
        return new HttpResponseMessage(status)
        {
            Content = new StringContent(json.ToJsonString(), Encoding.UTF8, "application/problem+json"),
        };
    }

    /// <summary>A host answer to inject for the next grant request, instead of a grant.</summary>
    public Func<HttpResponseMessage>? GrantResponse { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(", ", values);
        }

        if (request.Content is not null)
        {
            foreach (var (name, values) in request.Content.Headers)
            {
                headers[name] = string.Join(", ", values);
            }
        }

        var uri = request.RequestUri!;
        var recorded = new RecordedRequest(request.Method, uri, uri.PathAndQuery, headers, body);
        Requests.Enqueue(recorded);
        if (!recorded.IsStorage)
        {
            return Host(recorded);
        }

        var inFlight = Interlocked.Increment(ref _inFlight);
        lock (Requests)
        {
            MaxInFlight = Math.Max(MaxInFlight, inFlight);
        }

        try
        {
            if (StorageDelay > TimeSpan.Zero)
            {
                await Task.Delay(StorageDelay, cancellationToken);
            }

            if (StallWhen?.Invoke(recorded) == true)
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            }

            if (OnStorage?.Invoke(recorded) is { } injected)
            {
                return injected;
            }

            return Storage(recorded);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private HttpResponseMessage Host(RecordedRequest request)
    {
        var segments = request.Uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length < 2 || segments[0] != "uploads")
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }

        var route = string.Join('/', segments.Skip(2));
        return (request.Method.Method, route) switch
        {
            ("POST", "") => IssueGrant(request),
            ("POST", "complete") => Confirm(request),
            ("POST", "multipart") => StartMultipart(request),
            ("POST", "multipart/parts") => SignParts(request),
            ("GET", "multipart/parts") => ListParts(request),
            ("POST", "multipart/complete") => CompleteMultipart(request),
            ("DELETE", "multipart") => Abort(request),
            _ => new HttpResponseMessage(HttpStatusCode.NotFound),
        };
    }

    private HttpResponseMessage IssueGrant(RecordedRequest request)
    {
        if (GrantResponse is { } injected)
        {
            return injected();
        }

        if (!SingleAllowed)
        {
            return Problem(HttpStatusCode.BadRequest, "method_not_allowed");
        }

        var json = request.Json;
        var contentType = (string)json["contentType"]!;
        var size = (long)json["size"]!;
        var md5 = (string?)json["md5"];
        var key = EncodedKey ?? "uploads/" + Uri.EscapeDataString((string)json["fileName"]!);
        var token = "grant-" + Guid.NewGuid().ToString("N");
        _grants[token] = new Grant(Uri.UnescapeDataString(key), contentType, size);
        JsonObject grant;
        if (GrantMethod == "PUT")
        {
            var headers = new JsonObject { ["Content-Type"] = contentType, ["Content-Length"] = size.ToString(CultureInfo.InvariantCulture) };
            if (md5 is not null)
            {
                headers["Content-MD5"] = md5;
            }

            foreach (var (name, value) in ExtraPutHeaders)
            {
                headers[name] = value;
            }

            grant = new JsonObject
            {
                ["method"] = "PUT",
                ["url"] = $"{StorageRoot}/{key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20250101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=abc123",
                ["fields"] = new JsonObject(),
                ["headers"] = headers,
            };
        }
        else
        {
            grant = new JsonObject
            {
                ["method"] = "POST",
                ["url"] = StorageRoot,
                ["fields"] = new JsonObject
                {
                    ["key"] = Uri.UnescapeDataString(key),
                    ["Content-Type"] = contentType,
                    ["x-amz-meta-origin"] = "café",
                    ["policy"] = "eyJleHBpcmF0aW9uIjoi",
                    ["x-amz-algorithm"] = "AWS4-HMAC-SHA256",
                    ["x-amz-credential"] = "AKID/20250101/us-east-1/s3/aws4_request",
                    ["x-amz-date"] = "20250101T000000Z",
                    ["x-amz-signature"] = "abc123",
                },
                ["headers"] = new JsonObject(),
            };
        }

        grant["key"] = Uri.UnescapeDataString(key);
        grant["expiresAt"] = "2030-01-01T00:00:00+00:00";
        grant["token"] = token;
        return JsonAnswer(grant);
    }

    private HttpResponseMessage Confirm(RecordedRequest request)
    {
        var token = (string)request.Json["token"]!;
        if (!_grants.TryGetValue(token, out var grant))
        {
            return Problem(HttpStatusCode.BadRequest, "invalid_token");
        }

        if (!Objects.TryGetValue(grant.Key, out var data))
        {
            return Problem(HttpStatusCode.BadRequest, "object_not_found");
        }

        return JsonAnswer(new JsonObject
        {
            ["key"] = grant.Key,
            ["size"] = data.LongLength,
            ["contentType"] = grant.ContentType,
            ["etag"] = ETagOf(data),
        });
    }

    private HttpResponseMessage StartMultipart(RecordedRequest request)
    {
        if (!MultipartAllowed)
        {
            return Problem(HttpStatusCode.BadRequest, "method_not_allowed");
        }

        var json = request.Json;
        var size = (long)json["size"]!;
        var key = EncodedKey ?? "uploads/" + Uri.EscapeDataString((string)json["fileName"]!);
        var upload = new Upload("U" + Guid.NewGuid().ToString("N")[..8], key, size, PartSize);
        _uploads[upload.Token] = upload;
        return JsonAnswer(new JsonObject
        {
            ["uploadId"] = upload.UploadId,
            ["key"] = Uri.UnescapeDataString(key),
            ["partSize"] = upload.PartSize,
            ["partCount"] = upload.PartCount,
            ["token"] = upload.Token,
            ["expiresAt"] = "2030-01-01T00:00:00+00:00",
        });
    }

    private HttpResponseMessage SignParts(RecordedRequest request)
    {
        var json = request.Json;
        if (!_uploads.TryGetValue((string)json["token"]!, out var upload))
        {
            return Problem(HttpStatusCode.BadRequest, "invalid_token");
        }

        var parts = new JsonArray();
        foreach (var node in json["partNumbers"]!.AsArray())
        {
            var number = (int)node!;
            if (number < 1 || number > upload.PartCount)
            {
                return Problem(HttpStatusCode.BadRequest, "invalid_part_number");
            }

            if (RequirePartMd5 && json["contentMd5"]?[number.ToString(CultureInfo.InvariantCulture)] is null)
            {
                return Problem(HttpStatusCode.BadRequest, "content_md5_required");
            }

            var generation = Interlocked.Increment(ref _signGeneration);
            var headers = new JsonObject { ["Content-Length"] = upload.SizeOf(number).ToString(CultureInfo.InvariantCulture) };
            if ((string?)json["contentMd5"]?[number.ToString(CultureInfo.InvariantCulture)] is { } md5)
            {
                headers["Content-MD5"] = md5;
            }

            parts.Add(new JsonObject
            {
                ["partNumber"] = number,
                ["url"] = $"{StorageRoot}/{upload.EncodedKey}?partNumber={number}&uploadId={upload.UploadId}&X-Amz-Signature=sig{generation}",
                ["headers"] = headers,
                ["size"] = upload.SizeOf(number),
                ["expiresAt"] = "2030-01-01T00:00:00+00:00",
            });
        }

        return JsonAnswer(new JsonObject { ["parts"] = parts });
    }

    private HttpResponseMessage ListParts(RecordedRequest request)
    {
        if (!_uploads.TryGetValue(request.QueryValue("token") ?? string.Empty, out var upload))
        {
            return Problem(HttpStatusCode.BadRequest, "invalid_token");
        }

        if (upload.Completed)
        {
            return Problem(HttpStatusCode.NotFound, "object_not_found");
        }

        var parts = new JsonArray();
        foreach (var (number, data) in upload.Parts.OrderBy(p => p.Key))
        {
            parts.Add(new JsonObject { ["partNumber"] = number, ["size"] = data.LongLength, ["etag"] = ETagOf(data) });
        }

        return JsonAnswer(new JsonObject { ["parts"] = parts });
    }

    private HttpResponseMessage CompleteMultipart(RecordedRequest request)
    {
        var json = request.Json;
        if (!_uploads.TryGetValue((string)json["token"]!, out var upload))
        {
            return Problem(HttpStatusCode.BadRequest, "invalid_token");
        }

        if (upload.Completed)
        {
            // idempotent, as the real host: the upload is gone, the object answers
            var stored = Objects[Uri.UnescapeDataString(upload.EncodedKey)];
            return JsonAnswer(new JsonObject { ["key"] = Uri.UnescapeDataString(upload.EncodedKey), ["size"] = stored.LongLength, ["etag"] = "\"multi-" + upload.PartCount + "\"" });
        }

        var given = json["parts"]!.AsArray().Select(p => ((int)p!["partNumber"]!, (string)p["etag"]!)).ToList();
        if (given.Count != upload.PartCount
            || given.Select((p, i) => p.Item1 == i + 1 && upload.Parts.TryGetValue(p.Item1, out var d) && ETagOf(d) == p.Item2).Any(ok => !ok))
        {
            return Problem(HttpStatusCode.BadRequest, "invalid_parts");
        }

        var data = given.SelectMany(p => upload.Parts[p.Item1]).ToArray();
        if (data.LongLength != upload.Size)
        {
            return Problem(HttpStatusCode.BadRequest, "size_mismatch");
        }

        Objects[Uri.UnescapeDataString(upload.EncodedKey)] = data;
        upload.Completed = true;
        return JsonAnswer(new JsonObject { ["key"] = Uri.UnescapeDataString(upload.EncodedKey), ["size"] = data.LongLength, ["etag"] = "\"multi-" + upload.PartCount + "\"" });
    }

    private HttpResponseMessage Abort(RecordedRequest request)
    {
        _uploads.TryRemove(request.QueryValue("token") ?? string.Empty, out _);
        return new HttpResponseMessage(HttpStatusCode.NoContent);
    }

    private HttpResponseMessage Storage(RecordedRequest request)
    {
        if (request.Headers.ContainsKey("Authorization"))
        {
            return S3Error(HttpStatusCode.BadRequest, "InvalidArgument", "Only one auth mechanism allowed.");
        }

        if (request.Method == HttpMethod.Post)
        {
            return StorePost(request);
        }

        if (request.Method != HttpMethod.Put)
        {
            return S3Error(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed");
        }

        if (!request.Headers.TryGetValue("Content-Length", out var length) || long.Parse(length, CultureInfo.InvariantCulture) != request.Body.LongLength)
        {
            return S3Error(HttpStatusCode.LengthRequired, "MissingContentLength");
        }

        if (request.PartNumber is { } number)
        {
            var upload = _uploads.Values.SingleOrDefault(u => u.UploadId == request.QueryValue("uploadId") && !u.Completed);
            if (upload is null)
            {
                return S3Error(HttpStatusCode.NotFound, "NoSuchUpload");
            }

            if (request.Body.LongLength != upload.SizeOf(number))
            {
                return S3Error(HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
            }

            if (request.Headers.TryGetValue("Content-MD5", out var md5) && md5 != Convert.ToBase64String(MD5.HashData(request.Body)))
            {
                return S3Error(HttpStatusCode.BadRequest, "BadDigest", "The Content-MD5 you specified did not match what we received.");
            }

            upload.Parts[number] = request.Body;
            return Stored(request.Body);
        }

        var key = Uri.UnescapeDataString(request.Uri.AbsolutePath["/bucket/".Length..]);
        Objects[key] = request.Body;
        return Stored(request.Body);
    }

    private HttpResponseMessage StorePost(RecordedRequest request)
    {
        var form = MultipartFormParser.Parse(request.Body, request.Headers["Content-Type"]);
        if (form.Count == 0 || form[^1].Name != "file")
        {
            return S3Error(HttpStatusCode.BadRequest, "InvalidArgument", "The file must be the last field.");
        }

        var key = form.Single(p => p.Name == "key").Text;
        Objects[key] = form[^1].Data;
        return new HttpResponseMessage(HttpStatusCode.NoContent) { Headers = { ETag = new System.Net.Http.Headers.EntityTagHeaderValue(ETagOf(form[^1].Data)) } };
    }

    private HttpResponseMessage Stored(byte[] data)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
        if (!OmitETag)
        {
            response.Headers.TryAddWithoutValidation("ETag", ETagOf(data));
        }

        return response;
    }

    public static string ETagOf(byte[] data) => "\"" + Convert.ToHexStringLower(MD5.HashData(data)) + "\"";

    private static HttpResponseMessage JsonAnswer(JsonNode json) => new(HttpStatusCode.OK)
    {
        Content = new StringContent(json.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), Encoding.UTF8, "application/json"),
    };

    private sealed record Grant(string Key, string ContentType, long Size);

    private sealed class Upload(string uploadId, string encodedKey, long size, long partSize)
    {
        public string UploadId { get; } = uploadId;

        public bool Completed { get; set; }

        public string EncodedKey { get; } = encodedKey;

        public long Size { get; } = size;

        public long PartSize { get; } = partSize;

        public int PartCount { get; } = (int)Math.Max(1, (size + partSize - 1) / partSize);

        public string Token => "mp-" + UploadId;

        public ConcurrentDictionary<int, byte[]> Parts { get; } = new();

        public long SizeOf(int number) => number < PartCount ? PartSize : Size - ((PartCount - 1) * PartSize);
    }
}
