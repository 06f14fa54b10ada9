using System.Buffers;
using System.Net.Mime;
using System.Security.Claims;
using System.Text.Json;
using Amazon.Runtime;
using DirectUpload.Internal;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DirectUpload.AspNetCore.Internal;

/// <summary>The handlers behind <see cref="Microsoft.AspNetCore.Builder.DirectUploadEndpointRouteBuilderExtensions.MapDirectUploads"/>.</summary>
internal sealed class UploadEndpoints
{
    private readonly DirectUploadEndpointOptions _options;
    private readonly IServiceProvider _services;
    private readonly bool _issuerIsShared;
    private ProfileRegistry? _profiles;
    private IUploadPolicyIssuer? _sharedIssuer;

    /// <summary>Creates the handlers.</summary>
    /// <param name="options">The endpoint options.</param>
    /// <param name="services">The application's (root) services, which the endpoints were mapped with.</param>
    /// <exception cref="InvalidOperationException"><c>AddDirectUploads</c> was not called on the application's services.</exception>
    public UploadEndpoints(DirectUploadEndpointOptions options, IServiceProvider services)
    {
        _options = options;
        _services = services;
        var registrations = services.GetService<ServiceRegistrations>()
            ?? throw new InvalidOperationException(
                "DirectUpload's endpoints need its services: call services.AddDirectUploads(...) when configuring the application's services.");

        // The grant route resolves the issuer from the application's services, once, when the last registration is a
        // singleton in Microsoft.Extensions.DependencyInjection (DirectUpload's own, or a host's): it is the instance
        // every scope would return, and a request that resolves nothing from HttpContext.RequestServices creates no scope
        // (about 0.3 µs and 430 B per request). Any other lifetime or container: from the request's scope, as before.
        _issuerIsShared = services is ServiceProvider && registrations.IsSingleton(typeof(IUploadPolicyIssuer));
    }

    /// <summary>Gets DirectUpload's own profile registry (a singleton, never the host's: from the application's services).</summary>
    private ProfileRegistry Profiles => _profiles ??= _services.GetRequiredService<ProfileRegistry>();

    private IUploadPolicyIssuer Issuer(HttpContext context) => _issuerIsShared
        ? _sharedIssuer ??= _services.GetRequiredService<IUploadPolicyIssuer>()
        : context.RequestServices.GetRequiredService<IUploadPolicyIssuer>();

    /// <summary>
    /// The grant route, the one every upload starts with: the same steps as <see cref="RunAsync"/> (authorize, read the
    /// body, call the service, map rejections to problems) in one method, with no per-request closure or task.
    /// </summary>
    public async Task IssueGrantAsync(HttpContext context, string profile)
    {
        var ct = context.RequestAborted;
        IResult result;
        try
        {
            var (caller, denied) = await AuthorizeAsync(context, profile).ConfigureAwait(false);
            if (denied is null)
            {
                var body = await ReadAsync<GrantRequestBody>(context, _options.MaxRequestBodyBytes, ct).ConfigureAwait(false);
                var grant = await Issuer(context).IssueAsync(ToUploadRequest(profile, body, caller.OwnerId), ct).ConfigureAwait(false);
                result = new UploadGrantResult(grant);
            }
            else
            {
                result = denied;
            }
        }
        catch (Exception e) when (Problem(e, context, profile, ct) is { } problem)
        {
            result = problem;
        }

        await result.ExecuteAsync(context).ConfigureAwait(false);
    }

    public Task<IResult> ConfirmAsync(HttpContext context, string profile) => RunAsync(context, profile, async (caller, ct) =>
    {
        var body = await ReadAsync<TokenBody>(context, _options.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        var service = context.RequestServices.GetRequiredService<IUploadConfirmationService>();
        var uploaded = await service.ConfirmAsync(new UploadTokenRequest { Profile = profile, Token = body.Token ?? string.Empty, OwnerId = caller.OwnerId }, ct).ConfigureAwait(false);
        return Ok(new UploadedObjectResponse(uploaded.Key, uploaded.Size, uploaded.ContentType, uploaded.ETag));
    });

    public Task<IResult> StartMultipartAsync(HttpContext context, string profile) => RunAsync(context, profile, async (caller, ct) =>
    {
        var body = await ReadAsync<GrantRequestBody>(context, _options.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        var service = context.RequestServices.GetRequiredService<IMultipartUploadService>();
        var start = await service.StartAsync(ToUploadRequest(profile, body, caller.OwnerId), ct).ConfigureAwait(false);
        return Ok(new MultipartStartResponse(start.UploadId, start.Key, start.PartSize, start.PartCount, start.Token, start.ExpiresAt));
    });

    public Task<IResult> SignPartsAsync(HttpContext context, string profile) => RunAsync(context, profile, async (caller, ct) =>
    {
        var body = await ReadAsync<PartsBody>(context, _options.MaxRequestBodyBytes, ct).ConfigureAwait(false);
        Dictionary<int, string>? md5 = null;
        if (body.ContentMd5 is { Count: > 0 })
        {
            md5 = new Dictionary<int, string>(body.ContentMd5.Count);
            foreach (var (number, value) in body.ContentMd5)
            {
                if (!int.TryParse(number, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
                {
                    throw new UploadRejectedException(UploadRejectionReason.InvalidPartNumber, $"'{Truncate(number)}' is not a part number.");
                }

                md5[n] = value;
            }
        }

        var service = context.RequestServices.GetRequiredService<IMultipartUploadService>();
        var parts = await service.SignPartsAsync(
            new MultipartPartsRequest { Profile = profile, Token = body.Token ?? string.Empty, OwnerId = caller.OwnerId, PartNumbers = body.PartNumbers ?? [], ContentMd5 = md5 },
            ct).ConfigureAwait(false);
        return Ok(new PartsResponse<PartGrantResponse>(parts.Select(p => new PartGrantResponse(p.PartNumber, p.Url, p.Headers, p.Size, p.ExpiresAt)).ToList()));
    });

    public Task<IResult> ListPartsAsync(HttpContext context, string profile) => RunAsync(context, profile, async (caller, ct) =>
    {
        var service = context.RequestServices.GetRequiredService<IMultipartUploadService>();
        var parts = await service.ListPartsAsync(new UploadTokenRequest { Profile = profile, Token = TokenFromQuery(context), OwnerId = caller.OwnerId }, ct).ConfigureAwait(false);
        return Ok(new PartsResponse<UploadedPartResponse>(parts.Select(p => new UploadedPartResponse(p.PartNumber, p.Size, p.ETag)).ToList()));
    });

    public Task<IResult> CompleteMultipartAsync(HttpContext context, string profile) => RunAsync(context, profile, async (caller, ct) =>
    {
        var body = await ReadAsync<CompleteBody>(context, _options.MaxCompleteRequestBodyBytes, ct).ConfigureAwait(false);
        var service = context.RequestServices.GetRequiredService<IMultipartUploadService>();
        var parts = (body.Parts ?? []).Select(p => new PartETag { PartNumber = p.PartNumber, ETag = p.ETag ?? string.Empty }).ToList();
        var uploaded = await service.CompleteAsync(
            new MultipartCompleteRequest { Profile = profile, Token = body.Token ?? string.Empty, OwnerId = caller.OwnerId, Parts = parts },
            ct).ConfigureAwait(false);
        return Ok(new UploadedObjectResponse(uploaded.Key, uploaded.Size, uploaded.ContentType, uploaded.ETag));
    });

    public Task<IResult> AbortMultipartAsync(HttpContext context, string profile) => RunAsync(context, profile, async (caller, ct) =>
    {
        var service = context.RequestServices.GetRequiredService<IMultipartUploadService>();
        await service.AbortAsync(new UploadTokenRequest { Profile = profile, Token = TokenFromQuery(context), OwnerId = caller.OwnerId }, ct).ConfigureAwait(false);
        return Results.NoContent();
    });

    public Task<IResult> DownloadAsync(HttpContext context, string profile) => RunAsync(context, profile, async (caller, ct) =>
    {
        var query = context.Request.Query;
        var key = query["key"].ToString();
        var inline = string.Equals(query["inline"].ToString(), "true", StringComparison.OrdinalIgnoreCase);
        var contentType = query["contentType"].ToString();
        var issuer = context.RequestServices.GetRequiredService<IDownloadUrlIssuer>();
        var grant = await issuer.CreateDownloadUrlAsync(
            new DownloadRequest { Profile = profile, Key = key, OwnerId = caller.OwnerId, Inline = inline, ContentType = string.IsNullOrEmpty(contentType) ? null : contentType },
            ct).ConfigureAwait(false);
        return Ok(new DownloadResponse(grant.Url, grant.ExpiresAt, grant.ContentDisposition));
    });

    private static UploadRequest ToUploadRequest(string profile, GrantRequestBody body, string? ownerId) => new()
    {
        Profile = profile,
        FileName = body.FileName ?? string.Empty,
        ContentType = body.ContentType ?? string.Empty,
        Size = body.Size ?? 0,
        ContentMd5 = body.Md5,
        OwnerId = ownerId,
        Metadata = body.Metadata,
    };

    private static string TokenFromQuery(HttpContext context) => context.Request.Query["token"].ToString();

    private static IResult Ok<T>(T value) => Results.Json(value, Json.Info<T>());

    internal async Task<IResult> RunAsync(HttpContext context, string profile, Func<Caller, CancellationToken, Task<IResult>> handler)
    {
        var ct = context.RequestAborted;
        try
        {
            var (caller, denied) = await AuthorizeAsync(context, profile).ConfigureAwait(false);
            return denied ?? await handler(caller, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (Problem(e, context, profile, ct) is { } problem)
        {
            return problem;
        }
    }

    /// <summary>
    /// The problem answer for what an endpoint threw: a rejection, a bad body, or the store failing the call (logged, with
    /// the store's own words, on the server only); <see langword="null"/> for anything else, which propagates.
    /// </summary>
    private static IResult? Problem(Exception exception, HttpContext context, string profile, CancellationToken ct)
    {
        switch (exception)
        {
            case UploadRejectedException e:
                return Problems.From(e);
            case BadRequestBodyException e:
                return Problems.Create(e.Status, e.Code, e.Message);
            case AmazonServiceException e when !ct.IsCancellationRequested:
                // the store's own words (error code, message, request id, bucket) go to the server log only;
                // the client gets a stable code. The SDK logs nothing by default, so this is the only trace of the failure.
                var logger = context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(EndpointLog.Category);
                if (logger is not null)
                {
                    EndpointLog.StorageFailed(logger, e, profile, e.ErrorCode, (int)e.StatusCode);
                }

                return Problems.Create(StatusCodes.Status502BadGateway, "storage_error", "The storage service failed the call; try again later.");
            default:
                return null;
        }
    }

    /// <summary>
    /// Who the caller is for <paramref name="profileName"/>, or the problem that refuses them: an unknown profile, a
    /// failed authorization policy, or a per-user profile without a signed-in user. A profile without a policy is decided
    /// without awaiting anything.
    /// </summary>
    private ValueTask<(Caller Caller, IResult? Denied)> AuthorizeAsync(HttpContext context, string profileName)
    {
        if (!Profiles.TryGet(profileName, out var profile))
        {
            return new((default, Problems.From(ProfileRegistry.UnknownProfile())));
        }

        if (profile.AuthorizationPolicy is { } policyName)
        {
            return AuthorizeWithPolicyAsync(context, profile, profileName, policyName);
        }

        // without a policy, read the user only if authentication set one: HttpContext.User would create an empty
        // principal (three objects) on every anonymous request just to say "not signed in". The indexer, not Get<T>:
        // the same feature, without a generic virtual call.
        var user = (context.Features[typeof(IHttpAuthenticationFeature)] as IHttpAuthenticationFeature)?.User;
        return new(Identify(profile, profileName, user, user?.Identity?.IsAuthenticated == true));
    }

    private async ValueTask<(Caller Caller, IResult? Denied)> AuthorizeWithPolicyAsync(HttpContext context, ResolvedProfile profile, string profileName, string policyName)
    {
        var services = context.RequestServices;
        var policy = await services.GetRequiredService<IAuthorizationPolicyProvider>().GetPolicyAsync(policyName).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Upload profile '{profileName}' names the authorization policy '{policyName}', which is not registered.");
        if (policy.AuthenticationSchemes.Count > 0 && services.GetService<IPolicyEvaluator>() is { } evaluator)
        {
            // as the authorization middleware does: a policy that names its schemes decides who the user is (sets context.User)
            await evaluator.AuthenticateAsync(policy, context).ConfigureAwait(false);
        }

        var user = context.User;
        var authenticated = user.Identity?.IsAuthenticated == true;
        var authorization = services.GetRequiredService<IAuthorizationService>();
        var result = await authorization.AuthorizeAsync(user, resource: profileName, policy).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            return (default, authenticated
                ? Problems.Create(StatusCodes.Status403Forbidden, "forbidden", $"The user may not use upload profile '{profileName}'.")
                : Problems.Create(StatusCodes.Status401Unauthorized, "unauthenticated", $"Upload profile '{profileName}' requires a signed-in user."));
        }

        return Identify(profile, profileName, user, authenticated);
    }

    /// <summary>The caller's owner id (from the first of the configured claims), or the problem of a per-user profile without one.</summary>
    private (Caller Caller, IResult? Denied) Identify(ResolvedProfile profile, string profileName, ClaimsPrincipal? user, bool authenticated)
    {
        string? owner = null;
        if (authenticated)
        {
            foreach (var claimType in _options.OwnerIdClaimTypes)
            {
                owner = user!.FindFirst(claimType)?.Value;
                if (!string.IsNullOrEmpty(owner))
                {
                    break;
                }
            }
        }

        if (profile.Options.ScopeToOwner && string.IsNullOrEmpty(owner))
        {
            return (default, Problems.Create(StatusCodes.Status401Unauthorized, "unauthenticated", $"Upload profile '{profileName}' is per user and requires a signed-in user."));
        }

        return (new Caller(owner), null);
    }

    internal static async ValueTask<T> ReadAsync<T>(HttpContext context, long limit, CancellationToken ct)
        where T : class
    {
        var request = context.Request;
        if (!IsJson(request.ContentType))
        {
            throw new BadRequestBodyException(StatusCodes.Status415UnsupportedMediaType, "invalid_request_content_type", "The request body must be application/json.");
        }

        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        // Read from the server's own buffers (no copy, nothing allocated for a body that arrives in one piece) and stop
        // as soon as more than limit bytes are buffered, so the limit holds on every server and for chunked bodies.
        var reader = request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(ct).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.End);
                throw TooLarge(limit);
            }

            if (result.IsCompleted)
            {
                try
                {
                    return Deserialize<T>(buffer);
                }
                finally
                {
                    reader.AdvanceTo(buffer.End);
                }
            }

            if (result.IsCanceled)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                throw new OperationCanceledException("Reading the request body was canceled.");
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static T Deserialize<T>(ReadOnlySequence<byte> body)
        where T : class
    {
        if (body.IsEmpty)
        {
            throw new BadRequestBodyException(StatusCodes.Status400BadRequest, "invalid_request", "The request body is empty.");
        }

        if (body.IsSingleSegment)
        {
            return Deserialize<T>(body.FirstSpan);
        }

        // a body that arrived in several pieces: one pooled copy (at most the limit), parsed as one span, so that trailing
        // content after the JSON value is refused exactly as for a single piece
        var length = (int)body.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            body.CopyTo(rented);
            return Deserialize<T>(rented.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true); // bodies carry tokens
        }
    }

    private static T Deserialize<T>(ReadOnlySpan<byte> json)
        where T : class
    {
        try
        {
            // the grant's body, which every upload starts with, has its own reader (the same outcomes, see GrantRequestBodyReader)
            var body = typeof(T) == typeof(GrantRequestBody) ? (T?)(object?)GrantRequestBodyReader.Read(json) : JsonSerializer.Deserialize(json, Json.Info<T>());
            return body ?? throw new BadRequestBodyException(StatusCodes.Status400BadRequest, "invalid_request", "The request body is null.");
        }
        catch (JsonException e)
        {
            throw new BadRequestBodyException(StatusCodes.Status400BadRequest, "invalid_request", $"The request body is not valid JSON for this endpoint ({e.Path ?? "$"}).");
        }
    }

    private static BadRequestBodyException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "request_too_large", $"The request body is larger than {limit} bytes.");

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var mediaType = (semicolon < 0 ? contentType.AsSpan() : contentType.AsSpan(0, semicolon)).Trim();
        return mediaType.Equals(MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    private static string Truncate(string value) => value.Length <= 16 ? value : value[..16] + "…";

    internal readonly record struct Caller(string? OwnerId);
}

internal sealed class BadRequestBodyException : Exception
{
    public BadRequestBodyException(int status, string code, string message)
        : base(message)
    {
        Status = status;
        Code = code;
    }

    public BadRequestBodyException()
    {
        Code = "invalid_request";
    }

    public BadRequestBodyException(string message)
        : base(message)
    {
        Code = "invalid_request";
    }

    public BadRequestBodyException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "invalid_request";
    }

    public int Status { get; } = StatusCodes.Status400BadRequest;

    public string Code { get; }
}

/// <summary>The log messages of the endpoints.</summary>
internal static partial class EndpointLog
{
    /// <summary>The logger category of the endpoints.</summary>
    public const string Category = "DirectUpload.AspNetCore";

    internal const int IdStorageFailed = 50;
    internal const int IdEventRefused = 51;
    internal const int IdEventRetry = 52;

    [LoggerMessage(EventId = IdEventRefused, EventName = "EventRefused", Level = LogLevel.Warning,
        Message = "Refused a push to the event endpoint: {Code}.")]
    public static partial void EventRefused(ILogger logger, string code);

    [LoggerMessage(EventId = IdEventRetry, EventName = "EventRetry", Level = LogLevel.Warning,
        Message = "An event could not be handled ({ErrorType}); answered 503 so that the store delivers it again.")]
    public static partial void EventRetry(ILogger logger, string errorType, Exception exception);

    [LoggerMessage(EventId = IdStorageFailed, EventName = "StorageFailed", Level = LogLevel.Warning,
        Message = "The storage service failed a call for upload profile {Profile}: {ErrorCode} (HTTP {StatusCode}); the client got 502 storage_error.")]
    public static partial void StorageFailed(ILogger logger, Exception exception, string profile, string? errorCode, int statusCode);
}
