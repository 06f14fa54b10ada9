using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using DirectUpload.Client.Internal;

namespace DirectUpload.Client;

/// <summary>
/// Uploads files straight to S3 (or an S3-compatible store) through a DirectUpload host: asks the host for a grant,
/// sends the bytes to the store as the grant says, and has the host confirm. Large files go as parallel multipart
/// uploads with retries, progress and resume.
/// </summary>
/// <remarks>
/// <para>
/// Two <see cref="HttpClient"/>s are involved. The host client carries the app's authentication (e.g. a bearer token)
/// and only ever talks to the host. Storage requests go through a second client that must carry no authentication,
/// since a presigned request is authorized by its signature and S3 refuses a second mechanism (and the host's token
/// must not leak to the store). By default a shared, internal client is used for storage.
/// </para>
/// <para>Instances are thread-safe and hold no per-upload state; reuse one per host.</para>
/// </remarks>
public sealed partial class DirectUploadClient
{
    private static readonly Lazy<HttpClient> SharedStorageClient = new(CreateStorageClient);

    private readonly HttpClient _api;
    private readonly HttpClient? _storage;
    private readonly string _basePath;
    private readonly UriKind _baseKind;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="DirectUploadClient"/> class that sends storage requests through a shared internal client.</summary>
    /// <param name="apiClient">The client for the host's API: its <see cref="HttpClient.BaseAddress"/> is the host, and it carries the app's authentication.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="apiClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <see cref="DirectUploadClientOptions.BasePath"/> is empty, or it is relative and <paramref name="apiClient"/> has no base address.
    /// </exception>
    public DirectUploadClient(HttpClient apiClient, DirectUploadClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(apiClient);
        options ??= new DirectUploadClientOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(options.BasePath, "options.BasePath");
        ArgumentNullException.ThrowIfNull(options.TimeProvider, "options.TimeProvider");

        var basePath = options.BasePath.Trim();
        _baseKind = basePath.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || basePath.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            ? UriKind.Absolute
            : UriKind.Relative;
        if (_baseKind == UriKind.Relative && apiClient.BaseAddress is null)
        {
            throw new ArgumentException("The host client has no BaseAddress, and DirectUploadClientOptions.BasePath is not an absolute URL.", nameof(apiClient));
        }

        _api = apiClient;
        _basePath = basePath.TrimEnd('/');
        _timeProvider = options.TimeProvider;
    }

    /// <summary>Initializes a new instance of the <see cref="DirectUploadClient"/> class with a client of its own for storage requests.</summary>
    /// <param name="apiClient">The client for the host's API: its <see cref="HttpClient.BaseAddress"/> is the host, and it carries the app's authentication.</param>
    /// <param name="storageClient">
    /// The client for the requests to the store (presigned URLs). It must not add authentication: it must be another
    /// instance than <paramref name="apiClient"/>, without a default <c>Authorization</c> header or a handler that adds one.
    /// </param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="apiClient"/> or <paramref name="storageClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="storageClient"/> is <paramref name="apiClient"/> or has a default <c>Authorization</c> header;
    /// or <see cref="DirectUploadClientOptions.BasePath"/> is empty, or relative while <paramref name="apiClient"/> has no base address.
    /// </exception>
    public DirectUploadClient(HttpClient apiClient, HttpClient storageClient, DirectUploadClientOptions? options = null)
        : this(apiClient, options)
    {
        ArgumentNullException.ThrowIfNull(storageClient);
        if (ReferenceEquals(storageClient, apiClient))
        {
            throw new ArgumentException("Storage requests need a client of their own: the host client's authentication must not reach the store.", nameof(storageClient));
        }

        if (storageClient.DefaultRequestHeaders.Authorization is not null)
        {
            throw new ArgumentException("The storage client must not send an Authorization header: presigned requests are authorized by their signature.", nameof(storageClient));
        }

        _storage = storageClient;
    }

    private HttpClient Storage => _storage ?? SharedStorageClient.Value;

    /// <summary>Asks the host for a grant to upload one object (<c>POST {base}/{profile}</c>).</summary>
    /// <param name="profile">The host's upload profile.</param>
    /// <param name="request">The file to upload.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The grant.</returns>
    /// <exception cref="ArgumentException"><paramref name="profile"/> is <see langword="null"/>, empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="DirectUploadClientException">The host refused (e.g. <c>too_large</c>, <c>content_type_not_allowed</c>, <c>method_not_allowed</c>).</exception>
    /// <exception cref="HttpRequestException">The host could not be reached.</exception>
    public async Task<UploadGrant> RequestGrantAsync(string profile, UploadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(profile);
        ArgumentNullException.ThrowIfNull(request);
        var grant = await CallHostAsync(HttpMethod.Post, Endpoint(profile, string.Empty), Json(request, ClientJsonContext.Default.UploadRequest), ClientJsonContext.Default.UploadGrant, cancellationToken).ConfigureAwait(false);
        return string.IsNullOrEmpty(grant.Url) || string.IsNullOrEmpty(grant.Method) || string.IsNullOrEmpty(grant.Token)
            ? throw Unexpected("The grant has no method, URL or token.")
            : grant;
    }

    /// <summary>Has the host confirm a single-request upload (<c>POST {base}/{profile}/complete</c>). Idempotent.</summary>
    /// <param name="profile">The host's upload profile.</param>
    /// <param name="token">The grant's token.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The stored object.</returns>
    /// <exception cref="ArgumentException"><paramref name="profile"/> or <paramref name="token"/> is <see langword="null"/>, empty or white space.</exception>
    /// <exception cref="DirectUploadClientException">The host refused (e.g. <c>object_not_found</c>, <c>size_mismatch</c>, <c>expired</c>).</exception>
    /// <exception cref="HttpRequestException">The host could not be reached.</exception>
    public Task<UploadResult> ConfirmAsync(string profile, string token, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(profile);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        return CallHostAsync(HttpMethod.Post, Endpoint(profile, "/complete"), Json(new TokenBody(token), ClientJsonContext.Default.TokenBody), ClientJsonContext.Default.UploadResult, cancellationToken);
    }

    /// <summary>Starts a multipart upload (<c>POST {base}/{profile}/multipart</c>).</summary>
    /// <param name="profile">The host's upload profile.</param>
    /// <param name="request">The file to upload; <see cref="UploadRequest.Md5"/> is not used by multipart uploads.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The session, with <see cref="MultipartSession.Size"/> set to <see cref="UploadRequest.Size"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="profile"/> is <see langword="null"/>, empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="DirectUploadClientException">The host refused (e.g. <c>too_large</c>, <c>method_not_allowed</c>).</exception>
    /// <exception cref="HttpRequestException">The host could not be reached.</exception>
    public async Task<MultipartSession> StartMultipartAsync(string profile, UploadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(profile);
        ArgumentNullException.ThrowIfNull(request);
        var session = await CallHostAsync(HttpMethod.Post, Endpoint(profile, "/multipart"), Json(request with { Md5 = null }, ClientJsonContext.Default.UploadRequest), ClientJsonContext.Default.MultipartSession, cancellationToken).ConfigureAwait(false);
        return session.PartCount < 1 || session.PartSize < 1 || string.IsNullOrEmpty(session.Token)
            ? throw Unexpected("The multipart session has no parts or no token.")
            : session with { Size = request.Size };
    }

    /// <summary>Has the host sign <c>PUT</c> URLs for some parts (<c>POST {base}/{profile}/multipart/parts</c>).</summary>
    /// <param name="profile">The host's upload profile.</param>
    /// <param name="token">The session's token.</param>
    /// <param name="partNumbers">The part numbers (1-based, distinct, 1 to 1000 of them).</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>One grant per part.</returns>
    /// <exception cref="ArgumentException"><paramref name="profile"/> or <paramref name="token"/> is <see langword="null"/>, empty or white space, or <paramref name="partNumbers"/> is empty or has more than 1000 numbers.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="partNumbers"/> is <see langword="null"/>.</exception>
    /// <exception cref="DirectUploadClientException">The host refused (e.g. <c>invalid_token</c>, <c>expired</c>, <c>invalid_part_number</c>).</exception>
    /// <exception cref="HttpRequestException">The host could not be reached.</exception>
    public Task<IReadOnlyList<MultipartPartGrant>> SignPartsAsync(string profile, string token, IEnumerable<int> partNumbers, CancellationToken cancellationToken = default) =>
        SignPartsAsync(profile, token, partNumbers, null, cancellationToken);

    /// <summary>
    /// Has the host sign <c>PUT</c> URLs for some parts, each with its <c>Content-MD5</c> when given, so the store refuses a
    /// part whose bytes differ (<c>POST {base}/{profile}/multipart/parts</c>).
    /// </summary>
    /// <param name="profile">The host's upload profile.</param>
    /// <param name="token">The session's token.</param>
    /// <param name="partNumbers">The part numbers (1-based, distinct, 1 to 1000 of them).</param>
    /// <param name="contentMd5">The base64 MD5 of some of the parts by part number, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>One grant per part; a part's grant binds its MD5 in <see cref="MultipartPartGrant.Headers"/>.</returns>
    /// <exception cref="ArgumentException"><paramref name="profile"/> or <paramref name="token"/> is <see langword="null"/>, empty or white space, or <paramref name="partNumbers"/> is empty or has more than 1000 numbers.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="partNumbers"/> is <see langword="null"/>.</exception>
    /// <exception cref="DirectUploadClientException">The host refused (e.g. <c>invalid_token</c>, <c>expired</c>, <c>invalid_part_number</c>, <c>invalid_content_md5</c>).</exception>
    /// <exception cref="HttpRequestException">The host could not be reached.</exception>
    public async Task<IReadOnlyList<MultipartPartGrant>> SignPartsAsync(
        string profile, string token, IEnumerable<int> partNumbers, IReadOnlyDictionary<int, string>? contentMd5, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(profile);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        ArgumentNullException.ThrowIfNull(partNumbers);
        var numbers = partNumbers.ToArray();
        if (numbers.Length is 0 or > 1000)
        {
            throw new ArgumentException("Sign 1 to 1000 parts per call.", nameof(partNumbers));
        }

        var md5s = contentMd5 is { Count: > 0 }
            ? contentMd5.ToDictionary(p => p.Key.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.Value, StringComparer.Ordinal)
            : null;

        var answer = await CallHostAsync(HttpMethod.Post, Endpoint(profile, "/multipart/parts"), Json(new SignPartsBody(token, numbers, md5s), ClientJsonContext.Default.SignPartsBody), ClientJsonContext.Default.SignedPartsResponse, cancellationToken).ConfigureAwait(false);
        return answer.Parts ?? [];
    }

    /// <summary>Lists the parts the store has received (<c>GET {base}/{profile}/multipart/parts?token=</c>).</summary>
    /// <param name="profile">The host's upload profile.</param>
    /// <param name="token">The session's token.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The received parts.</returns>
    /// <exception cref="ArgumentException"><paramref name="profile"/> or <paramref name="token"/> is <see langword="null"/>, empty or white space.</exception>
    /// <exception cref="DirectUploadClientException">The host refused (e.g. <c>invalid_token</c>, <c>expired</c>), or the upload no longer exists.</exception>
    /// <exception cref="HttpRequestException">The host could not be reached.</exception>
    public async Task<IReadOnlyList<UploadedPart>> ListPartsAsync(string profile, string token, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(profile);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        var answer = await CallHostAsync(HttpMethod.Get, Endpoint(profile, "/multipart/parts", token), null, ClientJsonContext.Default.ListedPartsResponse, cancellationToken).ConfigureAwait(false);
        return answer.Parts ?? [];
    }

    /// <summary>Completes a multipart upload (<c>POST {base}/{profile}/multipart/complete</c>).</summary>
    /// <param name="profile">The host's upload profile.</param>
    /// <param name="token">The session's token.</param>
    /// <param name="parts">Every part of the upload with its ETag.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>The stored object.</returns>
    /// <exception cref="ArgumentException"><paramref name="profile"/> or <paramref name="token"/> is <see langword="null"/>, empty or white space.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="parts"/> is <see langword="null"/>.</exception>
    /// <exception cref="DirectUploadClientException">The host refused (e.g. <c>invalid_parts</c>, <c>size_mismatch</c>, <c>expired</c>).</exception>
    /// <exception cref="HttpRequestException">The host could not be reached.</exception>
    public Task<UploadResult> CompleteMultipartAsync(string profile, string token, IEnumerable<PartETag> parts, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(profile);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        ArgumentNullException.ThrowIfNull(parts);
        var body = new CompleteMultipartBody(token, parts.OrderBy(p => p.PartNumber).ToArray());
        return CallHostAsync(HttpMethod.Post, Endpoint(profile, "/multipart/complete"), Json(body, ClientJsonContext.Default.CompleteMultipartBody), ClientJsonContext.Default.UploadResult, cancellationToken);
    }

    /// <summary>
    /// Aborts a multipart upload and frees its stored parts (<c>DELETE {base}/{profile}/multipart?token=</c>).
    /// Cancelling an upload does not abort it (so it can be resumed); call this to give it up.
    /// </summary>
    /// <param name="profile">The host's upload profile.</param>
    /// <param name="token">The session's token.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>A task that completes when the upload is aborted.</returns>
    /// <exception cref="ArgumentException"><paramref name="profile"/> or <paramref name="token"/> is <see langword="null"/>, empty or white space.</exception>
    /// <exception cref="DirectUploadClientException">The host refused (e.g. <c>invalid_token</c>).</exception>
    /// <exception cref="HttpRequestException">The host could not be reached.</exception>
    public async Task AbortMultipartAsync(string profile, string token, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(profile);
        ArgumentException.ThrowIfNullOrWhiteSpace(token);
        using var response = await SendToHostAsync(HttpMethod.Delete, Endpoint(profile, "/multipart", token), null, cancellationToken).ConfigureAwait(false);
    }

    private static DirectUploadClientException Unexpected(string detail, Exception? innerException = null) =>
        new(DirectUploadErrorCodes.UnexpectedResponse, null, "The host's answer could not be used.", detail, innerException);

    private static ByteArrayContent Json<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }

    private static HttpClient CreateStorageClient()
    {
#pragma warning disable CA2000 // The handler is owned (and disposed) by the HttpClient.
        HttpMessageHandler handler = SocketsHttpHandler.IsSupported
            ? new SocketsHttpHandler
            {
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AllowAutoRedirect = false,
                UseCookies = false,
            }
            : new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false };
#pragma warning restore CA2000

        // A part may take long on a slow link; the caller's cancellation token bounds each upload instead.
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private Uri Endpoint(string profile, string suffix, string? token = null)
    {
        var path = $"{_basePath}/{Uri.EscapeDataString(profile)}{suffix}";
        if (token is not null)
        {
            path += "?token=" + Uri.EscapeDataString(token);
        }

        return new Uri(path, _baseKind);
    }

    private async Task<T> CallHostAsync<T>(HttpMethod method, Uri uri, HttpContent? content, JsonTypeInfo<T> resultType, CancellationToken cancellationToken)
        where T : class
    {
        using var response = await SendToHostAsync(method, uri, content, cancellationToken).ConfigureAwait(false);
        try
        {
            return await response.Content.ReadFromJsonAsync(resultType, cancellationToken).ConfigureAwait(false)
                ?? throw Unexpected("The host answered null.");
        }
        catch (JsonException ex)
        {
            throw new DirectUploadClientException(DirectUploadErrorCodes.UnexpectedResponse, response.StatusCode, "The host's answer could not be read.", ex.Message, ex);
        }
    }

    private async Task<HttpResponseMessage> SendToHostAsync(HttpMethod method, Uri uri, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.TryAddWithoutValidation("Accept", "application/json, application/problem+json");
        var response = await _api.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ErrorResponses.FromHostAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }
}
