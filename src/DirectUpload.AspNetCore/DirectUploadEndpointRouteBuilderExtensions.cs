using DirectUpload;
using DirectUpload.AspNetCore;
using DirectUpload.AspNetCore.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the DirectUpload HTTP endpoints.</summary>
public static class DirectUploadEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the DirectUpload endpoints under <paramref name="prefix"/>: <c>POST {prefix}/{profile}</c> (grant),
    /// <c>POST {prefix}/{profile}/complete</c>, <c>POST {prefix}/{profile}/multipart</c>,
    /// <c>POST {prefix}/{profile}/multipart/parts</c>, <c>GET {prefix}/{profile}/multipart/parts?token=</c>,
    /// <c>POST {prefix}/{profile}/multipart/complete</c>, <c>DELETE {prefix}/{profile}/multipart?token=</c> and
    /// <c>GET {prefix}/{profile}/download?key=</c>. Each profile's <see cref="DirectUpload.UploadProfileOptions.AuthorizationPolicy"/>
    /// is enforced; the owner id comes from the user's claims, never from the request. Errors are
    /// <c>application/problem+json</c> with a stable <c>code</c>.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder (e.g. the <c>WebApplication</c>).</param>
    /// <param name="prefix">The route prefix.</param>
    /// <param name="configure">Configures the endpoints.</param>
    /// <returns>The route group, to add conventions such as <c>RequireCors</c> or rate limiting.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> is null or empty.</exception>
    /// <exception cref="InvalidOperationException">The application's services do not have DirectUpload (<c>AddDirectUploads</c> was not called).</exception>
    public static RouteGroupBuilder MapDirectUploads(this IEndpointRouteBuilder endpoints, string prefix = "/uploads", Action<DirectUploadEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var options = new DirectUploadEndpointOptions();
        configure?.Invoke(options);
        var handlers = new UploadEndpoints(options, endpoints.ServiceProvider);

        var group = endpoints.MapGroup(prefix).WithTags("DirectUpload");
        const int Bad = StatusCodes.Status400BadRequest, Unauthorized = StatusCodes.Status401Unauthorized, Forbidden = StatusCodes.Status403Forbidden,
            NotFound = StatusCodes.Status404NotFound, TooLarge = StatusCodes.Status413PayloadTooLarge, Unsupported = StatusCodes.Status415UnsupportedMediaType,
            Mismatch = StatusCodes.Status422UnprocessableEntity, Storage = StatusCodes.Status502BadGateway;

        // each route: typed route/query parameters, its JSON body, its answer and its problems, so OpenAPI documents them
        group.MapPost("/{profile}", (HttpContext context, string profile) => handlers.IssueGrantAsync(context, profile)).WithName(Name(prefix, "grant"))
            .WithSummary("Issues an upload grant (presigned PUT or POST policy).")
            .AcceptsJson<GrantRequestBody>().Produces<UploadGrant>()
            .ProducesUploadProblems(Bad, Unauthorized, Forbidden, NotFound, TooLarge, Unsupported);
        group.MapPost("/{profile}/complete", (HttpContext context, string profile) => handlers.ConfirmAsync(context, profile)).WithName(Name(prefix, "complete"))
            .WithSummary("Confirms a single upload against the store and runs the completion hook.")
            .AcceptsJson<TokenBody>().Produces<UploadedObjectResponse>()
            .ProducesUploadProblems(Bad, Unauthorized, Forbidden, NotFound, TooLarge, Unsupported, Mismatch, Storage);
        group.MapPost("/{profile}/multipart", (HttpContext context, string profile) => handlers.StartMultipartAsync(context, profile)).WithName(Name(prefix, "multipart-start"))
            .WithSummary("Starts a multipart upload.")
            .AcceptsJson<GrantRequestBody>().Produces<MultipartStartResponse>()
            .ProducesUploadProblems(Bad, Unauthorized, Forbidden, NotFound, TooLarge, Unsupported, Storage);
        group.MapPost("/{profile}/multipart/parts", (HttpContext context, string profile) => handlers.SignPartsAsync(context, profile)).WithName(Name(prefix, "multipart-sign-parts"))
            .WithSummary("Signs PUT URLs for some parts, each with its exact length.")
            .AcceptsJson<PartsBody>().Produces<PartsResponse<PartGrantResponse>>()
            .ProducesUploadProblems(Bad, Unauthorized, Forbidden, NotFound, TooLarge, Unsupported);
        group.MapGet("/{profile}/multipart/parts", (HttpContext context, string profile, [FromQuery] string? token) => handlers.ListPartsAsync(context, profile))
            .WithName(Name(prefix, "multipart-list-parts"))
            .WithSummary("Lists the parts the store has received, to resume.")
            .Produces<PartsResponse<UploadedPartResponse>>()
            .ProducesUploadProblems(Bad, Unauthorized, Forbidden, NotFound, Storage);
        group.MapPost("/{profile}/multipart/complete", (HttpContext context, string profile) => handlers.CompleteMultipartAsync(context, profile))
            .WithName(Name(prefix, "multipart-complete"))
            .WithSummary("Completes a multipart upload after checking every part and the final size.")
            .AcceptsJson<CompleteBody>().Produces<UploadedObjectResponse>()
            .ProducesUploadProblems(Bad, Unauthorized, Forbidden, NotFound, TooLarge, Unsupported, Mismatch, Storage);
        group.MapDelete("/{profile}/multipart", (HttpContext context, string profile, [FromQuery] string? token) => handlers.AbortMultipartAsync(context, profile))
            .WithName(Name(prefix, "multipart-abort"))
            .WithSummary("Aborts a multipart upload and frees its parts.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesUploadProblems(Bad, Unauthorized, Forbidden, NotFound, Storage);
        if (options.EnableDownloads)
        {
            group.MapGet(
                    "/{profile}/download",
                    (HttpContext context, string profile, [FromQuery] string? key, [FromQuery] string? inline, [FromQuery] string? contentType) => handlers.DownloadAsync(context, profile))
                .WithName(Name(prefix, "download"))
                .WithSummary("Issues a presigned GET URL for an object of the profile.")
                .Produces<DownloadResponse>()
                .ProducesUploadProblems(Bad, Unauthorized, Forbidden, NotFound);
        }

        return group;
    }

    /// <summary>
    /// Maps <c>POST {pattern}</c>, the endpoint the store pushes its event notifications to: Ceph RGW HTTP topics
    /// (<c>push-endpoint=https://host{pattern}?secret=…</c>), S3 → SNS → HTTPS subscriptions (envelopes verified, see
    /// <see cref="DirectUploadEventEndpointOptions.SnsTopicArns"/>), or any webhook relay of <c>{"Records":[…]}</c>. Each push
    /// must present <see cref="DirectUploadEventEndpointOptions.Secret"/>. The notification goes to
    /// <see cref="DirectUpload.IS3EventDispatcher"/>: 200 <c>{"handled":n}</c> once every record is durably handled, 503 <c>event_retry</c>
    /// when it must be delivered again, 400 <c>invalid_event</c>, 401 <c>invalid_event_secret</c> /
    /// <c>invalid_sns_signature</c>, 403 <c>sns_topic_not_allowed</c>, 413 <c>request_too_large</c>. No authorization
    /// policy applies (the store is not a signed-in user): the secret is the authentication.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder (e.g. the <c>WebApplication</c>).</param>
    /// <param name="pattern">The route, e.g. <c>/uploads/events</c>.</param>
    /// <param name="configure">Configures the endpoint; <see cref="DirectUploadEventEndpointOptions.Secret"/> is required.</param>
    /// <returns>The endpoint's builder, to add conventions such as rate limiting.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is null or empty.</exception>
    /// <exception cref="InvalidOperationException">The options are invalid (no secret, or a bad body limit).</exception>
    public static RouteHandlerBuilder MapDirectUploadEvents(this IEndpointRouteBuilder endpoints, string pattern, Action<DirectUploadEventEndpointOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new DirectUploadEventEndpointOptions();
        configure(options);
        var handler = new EventEndpoint(options);
        return endpoints.MapPost(pattern, (HttpContext context, [FromQuery] string? secret) => handler.HandleAsync(context))
            .WithName(Name(pattern, "events")).AllowAnonymous()
            .WithTags("DirectUpload").WithSummary("Receives the store's event notifications (RGW HTTP topics, SNS, webhook relays).")
            .AcceptsJson<System.Text.Json.JsonElement>().Produces<EventsHandledResponse>()
            .ProducesUploadProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden,
                StatusCodes.Status413PayloadTooLarge, StatusCodes.Status503ServiceUnavailable);
    }

    private static string Name(string prefix, string endpoint) => string.Concat("DirectUpload", prefix.Replace('/', '-'), "-", endpoint);
}
