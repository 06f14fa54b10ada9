using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.ExceptionServices;
using System.Text;
using DirectUpload.Client.Internal;

namespace DirectUpload.Client;

/// <content>Requests to the store: following a grant (PUT or POST) and sending one part.</content>
public sealed partial class DirectUploadClient
{
    private static readonly TimeSpan DefaultStallTimeout = new UploadOptions().StallTimeout;
    private static readonly UriCreationOptions VerbatimUri = new() { DangerousDisablePathAndQueryCanonicalization = true };

    /// <summary>
    /// Follows a grant: sends <paramref name="content"/> to the store exactly as the grant says (a <c>PUT</c> to its URL,
    /// verbatim, with its headers; or a <c>POST</c> of its form fields in order, the file last as <c>file</c>).
    /// Does not confirm (see <see cref="ConfirmAsync"/>) and does not retry. A request that makes no progress for the
    /// default <see cref="UploadOptions.StallTimeout"/> (30 seconds) is aborted (<c>storage_stalled</c>).
    /// </summary>
    /// <param name="grant">The grant.</param>
    /// <param name="content">
    /// The bytes, from the stream's current position to its end. A stream that cannot seek is read up to the grant's
    /// <c>Content-Length</c> (it then needs one).
    /// </param>
    /// <param name="progress">The receiver of progress reports, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">A token to cancel the upload.</param>
    /// <returns>A task that completes when the store has the object.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="grant"/> or <paramref name="content"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// The grant's method is neither <c>PUT</c> nor <c>POST</c>, or its URL is not absolute; the content cannot be read, its length
    /// is unknown, or it differs from the grant's <c>Content-Length</c>.
    /// </exception>
    /// <exception cref="DirectUploadClientException">The store refused the upload (<c>storage_error:…</c>, <c>storage_throttled</c>, <c>storage_full</c>) or stalled (<c>storage_stalled</c>).</exception>
    /// <exception cref="HttpRequestException">The store could not be reached.</exception>
    /// <exception cref="EndOfStreamException">The content ended before its declared length.</exception>
    public async Task SendAsync(UploadGrant grant, Stream content, IProgress<UploadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grant);
        ArgumentNullException.ThrowIfNull(content);
        long? declared = !content.CanSeek && grant.Headers.TryGetValue("Content-Length", out var value)
            && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length) ? length : null;
        using var source = UploadSource.FromStream(content, declared, nameof(content));
        using var body = new PartBody(source, 0, source.Length);
        var tracker = new ProgressTracker(progress, source.Length, 1);
        await SendGrantAsync(grant, body, null, tracker, DefaultStallTimeout, cancellationToken).ConfigureAwait(false);
        tracker.Flush();
    }

    /// <summary>Sends a single-request upload as its grant says.</summary>
    private async Task SendGrantAsync(UploadGrant grant, PartBody body, string? fileName, ProgressTracker tracker, TimeSpan stallTimeout, CancellationToken cancellationToken)
    {
        var uri = StorageUri(grant.Url, nameof(grant));
        var method = grant.Method.ToUpperInvariant();
        if (method is not ("PUT" or "POST"))
        {
            throw new ArgumentException($"The grant's method '{grant.Method}' is neither PUT nor POST.", nameof(grant));
        }

        var content = new ProgressContent(body, tracker.For(0));
        using var request = new HttpRequestMessage(method == "PUT" ? HttpMethod.Put : HttpMethod.Post, uri);
        if (method == "PUT")
        {
            request.Content = content;
            ApplyHeaders(request, content, grant.Headers);
        }
        else
        {
            request.Content = Form(grant.Fields, content, fileName);
        }

        await SendToStorageAsync(request, content, stallTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends one part of a multipart upload; returns its ETag.</summary>
    private async Task<string> SendPartAsync(MultipartPartGrant grant, PartBody body, Action<long>? onWritten, TimeSpan stallTimeout, CancellationToken cancellationToken)
    {
        var content = new ProgressContent(body, onWritten);
        using var request = new HttpRequestMessage(HttpMethod.Put, StorageUri(grant.Url, nameof(grant))) { Content = content };
        ApplyHeaders(request, content, grant.Headers);
        var etag = await SendToStorageAsync(request, content, stallTimeout, cancellationToken).ConfigureAwait(false);
        return string.IsNullOrEmpty(etag)
            ? throw new DirectUploadClientException(
                DirectUploadErrorCodes.UnexpectedResponse, null, "The store's answer could not be used.", $"The store answered part {grant.PartNumber} without an ETag.")
            : etag;
    }

    private async Task<string?> SendToStorageAsync(HttpRequestMessage request, ProgressContent content, TimeSpan stallTimeout, CancellationToken cancellationToken)
    {
        // The stall timeout runs from the start, from each chunk the connection takes, and until the answer has been read.
        using var watch = new StallWatch(stallTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, watch.Token);
        content.Watch = watch;
        try
        {
            using var response = await Storage.SendAsync(request, linked.Token).ConfigureAwait(false);
            watch.Touch();
            if (!response.IsSuccessStatusCode)
            {
                throw await ErrorResponses.FromStorageAsync(response, linked.Token).ConfigureAwait(false);
            }

            return response.Headers.TryGetValues("ETag", out var values) ? values.FirstOrDefault() : null;
        }
        catch (Exception) when (content.SourceFailure is { } failure)
        {
            // Reading the content failed, not the network: report that, and do not retry it.
            ExceptionDispatchInfo.Throw(failure);
            throw;
        }
        catch (OperationCanceledException ex) when (watch.Stalled && !cancellationToken.IsCancellationRequested)
        {
            throw Stalled(watch.Timeout, ex);
        }
        catch (HttpRequestException ex) when (watch.Stalled && !cancellationToken.IsCancellationRequested)
        {
            throw Stalled(watch.Timeout, ex);
        }
    }

    private static DirectUploadClientException Stalled(TimeSpan timeout, Exception innerException) => new(
        DirectUploadErrorCodes.StorageStalled,
        null,
        "The store stopped answering.",
        string.Create(CultureInfo.InvariantCulture, $"The store took no bytes and sent no answer for {timeout.TotalSeconds:0.#} s (UploadOptions.StallTimeout); the request was aborted."),
        innerException);

    /// <summary>The URL exactly as signed: <see cref="Uri"/> would otherwise canonicalize it (e.g. <c>%7E</c> to <c>~</c>), breaking the signature.</summary>
    private static Uri StorageUri(string url, string paramName) =>
        Uri.TryCreate(url, in VerbatimUri, out var uri) && uri.IsAbsoluteUri && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new ArgumentException("The grant's URL is not an absolute http(s) URL.", paramName);

    /// <summary>Puts each grant header on the request or, for content headers (Content-Type, Content-MD5…), on the content.</summary>
    private static void ApplyHeaders(HttpRequestMessage request, HttpContent content, IReadOnlyDictionary<string, string> headers)
    {
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                continue; // HttpClient derives it from the URL, as signed.
            }

            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                // Set by the content itself; a grant for another size would be refused by the store anyway.
                if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length != content.Headers.ContentLength)
                {
                    throw new ArgumentException($"The grant binds Content-Length {value}; the content has {content.Headers.ContentLength} bytes.", nameof(content));
                }

                continue;
            }

            if (request.Headers.TryAddWithoutValidation(name, value))
            {
                continue;
            }

            content.Headers.Remove(name);
            if (!content.Headers.TryAddWithoutValidation(name, value))
            {
                throw new ArgumentException($"The grant's header '{name}' cannot be sent.", nameof(headers));
            }
        }
    }

    /// <summary>The form of a POST-policy upload: every field in order, then the file as <c>file</c>.</summary>
    private static MultipartFormDataContent Form(IReadOnlyDictionary<string, string> fields, ProgressContent file, string? fileName)
    {
        var form = new MultipartFormDataContent();
        try
        {
            foreach (var (name, value) in fields)
            {
#pragma warning disable CA2000 // The form owns (and disposes) its parts.
                var field = new StringContent(value, Encoding.UTF8);
#pragma warning restore CA2000
                field.Headers.ContentType = null;
                field.Headers.ContentDisposition = FormData(name, null);
                form.Add(field);
            }

            if (fields.TryGetValue("Content-Type", out var type))
            {
                file.Headers.TryAddWithoutValidation("Content-Type", type);
            }

            file.Headers.ContentDisposition = FormData("file", AsciiFileName(fileName));
            form.Add(file);
            return form;
        }
        catch
        {
            form.Dispose();
            throw;
        }
    }

    /// <summary>Quoted names, as browsers send them (.NET would leave them bare).</summary>
    private static ContentDispositionHeaderValue FormData(string name, string? fileName) => new("form-data")
    {
        Name = $"\"{name}\"",
        FileName = fileName is null ? null : $"\"{fileName}\"",
    };

    /// <summary>The file name of the form's file part: informative only (the grant fixes the key), so kept plain ASCII.</summary>
    private static string AsciiFileName(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName))
        {
            return "file";
        }

        var chars = fileName.Select(c => c is >= ' ' and < (char)127 and not '"' and not '\\' ? c : '_').ToArray();
        return new string(chars);
    }
}
