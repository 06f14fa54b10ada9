using System.Net;
using System.Net.Http.Headers;

namespace DirectUpload.Client;

/// <summary>
/// The host refused a call (its problem details give <see cref="Code"/>, <see cref="Title"/> and <see cref="Detail"/>),
/// the store refused a request (<see cref="Code"/> starts with <see cref="DirectUploadErrorCodes.StorageErrorPrefix"/>),
/// or an answer could not be used (<see cref="DirectUploadErrorCodes.UnexpectedResponse"/>).
/// </summary>
public sealed class DirectUploadClientException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="DirectUploadClientException"/> class.</summary>
    public DirectUploadClientException()
        : this("The upload failed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DirectUploadClientException"/> class.</summary>
    /// <param name="message">The message.</param>
    public DirectUploadClientException(string message)
        : this(message, null)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="DirectUploadClientException"/> class.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    public DirectUploadClientException(string message, Exception? innerException)
        : base(message, innerException)
    {
        Code = DirectUploadErrorCodes.UnexpectedResponse;
    }

    /// <summary>Initializes a new instance of the <see cref="DirectUploadClientException"/> class.</summary>
    /// <param name="code">The stable error code.</param>
    /// <param name="statusCode">The HTTP status of the answer, if any.</param>
    /// <param name="title">A short summary of the problem.</param>
    /// <param name="detail">An explanation of this occurrence of the problem.</param>
    /// <param name="innerException">The exception that caused this one, if any.</param>
    /// <exception cref="ArgumentException"><paramref name="code"/> is <see langword="null"/>, empty or white space.</exception>
    public DirectUploadClientException(string code, HttpStatusCode? statusCode, string? title, string? detail, Exception? innerException = null)
        : base(ComposeMessage(code, statusCode, title, detail), innerException)
    {
        Code = code;
        StatusCode = statusCode;
        Title = title;
        Detail = detail;
    }

    /// <summary>Gets the stable error code, e.g. <c>too_large</c> or <c>storage_error:AccessDenied</c>.</summary>
    public string Code { get; }

    /// <summary>Gets the HTTP status of the answer, if there was one.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Gets a short summary of the problem, if known.</summary>
    public string? Title { get; }

    /// <summary>Gets an explanation of this occurrence of the problem, if known.</summary>
    public string? Detail { get; }

    /// <summary>
    /// Gets a value indicating whether the store (not the host) refused the request, or stalled: a <c>storage_error:…</c>
    /// code, <see cref="DirectUploadErrorCodes.StorageStalled"/>, <see cref="DirectUploadErrorCodes.StorageThrottled"/> or
    /// <see cref="DirectUploadErrorCodes.StorageFull"/>.
    /// </summary>
    public bool IsStorageError =>
        Code.StartsWith(DirectUploadErrorCodes.StorageErrorPrefix, StringComparison.Ordinal)
        || Code is DirectUploadErrorCodes.StorageStalled or DirectUploadErrorCodes.StorageThrottled or DirectUploadErrorCodes.StorageFull;

    /// <summary>Gets how long the server asked to wait before a retry (its <c>Retry-After</c> header), if it did.</summary>
    internal RetryConditionHeaderValue? RetryAfter { get; init; }

    private static string ComposeMessage(string code, HttpStatusCode? statusCode, string? title, string? detail)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(code);
        var status = statusCode is { } s ? $" (HTTP {(int)s})" : string.Empty;
        var text = (title, detail) switch
        {
            (null or "", null or "") => "The request failed.",
            (_, null or "") => title,
            (null or "", _) => detail,
            _ => $"{title} {detail}",
        };
        return $"{code}{status}: {text}";
    }
}
