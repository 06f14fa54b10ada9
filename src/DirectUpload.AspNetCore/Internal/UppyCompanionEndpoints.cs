using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.AspNetCore.Internal;

/// <summary>
/// The handlers behind <see cref="Microsoft.AspNetCore.Builder.UppyCompanionEndpointRouteBuilderExtensions.MapUppyCompanion"/>:
/// an adapter from Uppy's Companion S3 protocol to <see cref="IMultipartUploadService"/> and <see cref="IUploadPolicyIssuer"/>.
/// Authorization, validation, signing and completion checks are theirs (and <see cref="UploadEndpoints"/>'); this class only
/// translates, passes Uppy's <c>key</c> on to be bound to the token (<see cref="UploadTokenRequest.Key"/>), and fixes the
/// part size to Uppy's chunking.
/// </summary>
internal sealed class UppyCompanionEndpoints
{
    private const long MiB = 1024 * 1024;
    private readonly UppyCompanionOptions _options;
    private readonly string _profile;
    private readonly UploadEndpoints _endpoints;

    public UppyCompanionEndpoints(UppyCompanionOptions options, string profile, IServiceProvider services)
    {
        _options = options;
        _profile = profile;
        var endpointOptions = new DirectUploadEndpointOptions
        {
            MaxRequestBodyBytes = options.MaxRequestBodyBytes,
            MaxCompleteRequestBodyBytes = options.MaxCompleteRequestBodyBytes,
        };
        endpointOptions.OwnerIdClaimTypes.Clear();
        foreach (var claimType in options.OwnerIdClaimTypes)
        {
            endpointOptions.OwnerIdClaimTypes.Add(claimType);
        }

        _endpoints = new UploadEndpoints(endpointOptions, services);
    }

    public Task<IResult> CreateAsync(HttpContext context) => RunAsync(context, async (caller, ct) =>
    {
        var body = await UploadEndpoints.ReadAsync<UppyCreateBody>(context, _options.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        var size = SizeFromMetadata(body.Metadata);
        var service = context.RequestServices.GetRequiredService<IMultipartUploadService>();
        var start = await service.StartAsync(
            new UploadRequest
            {
                Profile = _profile,
                FileName = body.Filename ?? string.Empty,
                ContentType = body.Type ?? string.Empty,
                Size = size,
                OwnerId = caller.OwnerId,
                PartSizeBytes = UppyChunkSize(size, _options.ChunkSizeBytes),
            },
            ct).ConfigureAwait(false);
        return Ok(new UppyCreateResponse(start.Key, start.Token));
    });

    public Task<IResult> SignPartAsync(HttpContext context, string uploadId, string partNumber, string? key) => RunAsync(context, async (caller, ct) =>
    {
        var number = ParsePartNumber(partNumber);
        var service = context.RequestServices.GetRequiredService<IMultipartUploadService>();
        var parts = await service.SignPartsAsync(
            new MultipartPartsRequest { Profile = _profile, Token = uploadId, OwnerId = caller.OwnerId, Key = key ?? string.Empty, PartNumbers = [number] },
            ct).ConfigureAwait(false);
        var part = parts[0];
        var now = context.RequestServices.GetService<TimeProvider>()?.GetUtcNow() ?? TimeProvider.System.GetUtcNow();
        return Ok(new UppySignedPartResponse(part.Url, Math.Max(0, (long)(part.ExpiresAt - now).TotalSeconds)));
    });

    public Task<IResult> ListPartsAsync(HttpContext context, string uploadId, string? key) => RunAsync(context, async (caller, ct) =>
    {
        var service = context.RequestServices.GetRequiredService<IMultipartUploadService>();
        var parts = await service.ListPartsAsync(new UploadTokenRequest { Profile = _profile, Token = uploadId, OwnerId = caller.OwnerId, Key = key ?? string.Empty }, ct).ConfigureAwait(false);
        return Ok(parts.Select(p => new UppyPartResponse(p.PartNumber, p.ETag, p.Size)).ToList());
    });

    public Task<IResult> CompleteAsync(HttpContext context, string uploadId, string? key) => RunAsync(context, async (caller, ct) =>
    {
        var body = await UploadEndpoints.ReadAsync<UppyCompleteBody>(context, _options.MaxCompleteRequestBodyBytes, ct).ConfigureAwait(false);
        var parts = (body.Parts ?? []).Select(p => new PartETag { PartNumber = p.PartNumber, ETag = p.ETag ?? string.Empty }).ToList();
        var service = context.RequestServices.GetRequiredService<IMultipartUploadService>();
        var uploaded = await service.CompleteAsync(
            new MultipartCompleteRequest { Profile = _profile, Token = uploadId, OwnerId = caller.OwnerId, Key = key ?? string.Empty, Parts = parts },
            ct).ConfigureAwait(false);
        return Ok(new UppyCompleteResponse(uploaded.Key, uploaded.Key));
    });

    public Task<IResult> AbortAsync(HttpContext context, string uploadId, string? key) => RunAsync(context, async (caller, ct) =>
    {
        var service = context.RequestServices.GetRequiredService<IMultipartUploadService>();
        await service.AbortAsync(new UploadTokenRequest { Profile = _profile, Token = uploadId, OwnerId = caller.OwnerId, Key = key ?? string.Empty }, ct).ConfigureAwait(false);
        return Results.NoContent();
    });

    public Task<IResult> ParamsAsync(HttpContext context, string? filename, string? type) => RunAsync(context, _options.SingleUploadProfile ?? _profile, async (caller, ct) =>
    {
        var profile = _options.SingleUploadProfile ?? _profile;
        var query = context.Request.Query;
        var sizeText = query[$"metadata[{_options.SizeMetaField}]"];
        if (sizeText.Count > 1)
        {
            throw SizeRequired();
        }

        var size = ParseSize(sizeText.ToString());
        var issuer = context.RequestServices.GetRequiredService<IUploadPolicyIssuer>();
        UploadGrant grant;
        try
        {
            grant = await issuer.IssueAsync(
                new UploadRequest { Profile = profile, FileName = filename ?? string.Empty, ContentType = type ?? string.Empty, Size = size, OwnerId = caller.OwnerId },
                ct).ConfigureAwait(false);
        }
        catch (UploadRejectedException e) when (e.Reason == UploadRejectionReason.MethodNotAllowed)
        {
            throw ParamsNeedPost(profile);
        }

        if (!string.Equals(grant.Method, "POST", StringComparison.Ordinal))
        {
            // nothing is stored yet: a PUT grant signs headers that Uppy's /params mode does not send
            throw ParamsNeedPost(profile);
        }

        var now = context.RequestServices.GetService<TimeProvider>()?.GetUtcNow() ?? TimeProvider.System.GetUtcNow();
        return Ok(new UppyParamsResponse("POST", grant.Url, grant.Fields, Math.Max(0, (long)(grant.ExpiresAt - now).TotalSeconds)));
    });

    private static UploadRejectedException ParamsNeedPost(string profile) => new(
        UploadRejectionReason.MethodNotAllowed,
        $"Profile '{profile}' does not issue POST policies, which Uppy needs for files of 5 MiB or less (sent in one request); the host can name one in UppyCompanionOptions.SingleUploadProfile.");

    /// <summary>
    /// The part size Uppy will cut a file of <paramref name="size"/> bytes into (<c>@uppy/aws-s3</c> S3Uploader): the chunk
    /// size (its <c>getChunkSize</c>, by default <c>ceil(size / 10000)</c>) raised to 5 MiB, and to <c>ceil(size / 10000)</c>
    /// when more than 10,000 parts would be needed.
    /// </summary>
    internal static long UppyChunkSize(long size, long? chunkSize)
    {
        var maxParts = UploadProfileOptions.MaxPartCount;
        var chunk = Math.Max(chunkSize ?? CeilDiv(size, maxParts), 5 * MiB);
        if (CeilDiv(size, chunk) > maxParts)
        {
            chunk = CeilDiv(size, maxParts);
        }

        return chunk;
    }

    private static long CeilDiv(long value, long divisor) => (value + divisor - 1) / divisor;

    private long SizeFromMetadata(Dictionary<string, JsonElement>? metadata)
    {
        if (metadata is null || !metadata.TryGetValue(_options.SizeMetaField, out var value))
        {
            throw SizeRequired();
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var n) && n > 0 => n,
            JsonValueKind.String => ParseSize(value.GetString()),
            _ => throw SizeRequired(),
        };
    }

    private UploadRejectedException SizeRequired() => new(
        UploadRejectionReason.InvalidSize,
        $"The file's size is required: put it into Uppy's file meta field '{_options.SizeMetaField}' (a positive whole number of bytes).");

    private long ParseSize(string? text) =>
        !string.IsNullOrEmpty(text) && text.Length <= 19 && text[0] != '0'
        && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && size > 0
            ? size
            : throw SizeRequired();

    private static int ParsePartNumber(string text) =>
        text.Length is > 0 and <= 5 && text[0] != '0'
        && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= UploadProfileOptions.MaxPartCount
            ? n
            : throw new UploadRejectedException(UploadRejectionReason.InvalidPartNumber, "The part number must be a whole number from 1 to 10000.");

    private static IResult Ok<T>(T value) => Results.Json(value, Json.Options);

    private Task<IResult> RunAsync(HttpContext context, Func<UploadEndpoints.Caller, CancellationToken, Task<IResult>> handler) =>
        RunAsync(context, _profile, handler);

    /// <summary>Authorizes the caller for <paramref name="profile"/> and runs the handler, as the DirectUpload endpoints do.</summary>
    private async Task<IResult> RunAsync(HttpContext context, string profile, Func<UploadEndpoints.Caller, CancellationToken, Task<IResult>> handler)
    {
        var result = await _endpoints.RunAsync(context, profile, handler).ConfigureAwait(false);
        return result is ProblemHttpResult problem ? new ReasonPhraseResult(problem) : result;
    }

    /// <summary>
    /// A problem whose <c>detail</c> is also the HTTP/1.1 reason phrase: Uppy shows only <c>response.statusText</c>
    /// ("Companion request failed: …"), so that is where the server's message must be to reach the user.
    /// </summary>
    private sealed class ReasonPhraseResult(ProblemHttpResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            if (httpContext.Features.Get<IHttpResponseFeature>() is { } response && inner.ProblemDetails.Detail is { } detail)
            {
                response.ReasonPhrase = ToReasonPhrase(detail);
            }

            return inner.ExecuteAsync(httpContext);
        }
    }

    /// <summary>Visible ASCII and spaces only (RFC 9112 reason-phrase, no obs-text), at most 200 characters.</summary>
    internal static string ToReasonPhrase(string detail)
    {
        var builder = new StringBuilder(Math.Min(detail.Length, 200));
        foreach (var c in detail)
        {
            if (builder.Length == 200)
            {
                break;
            }

            builder.Append(c switch
            {
                >= ' ' and <= '~' => c,
                '\u2013' or '\u2014' => '-',
                '\u2018' or '\u2019' => '\'',
                '\u201C' or '\u201D' => '"',
                '\u2026' => '.',
                _ => ' ',
            });
        }

        return builder.ToString().Trim();
    }

}
