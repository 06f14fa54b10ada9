using DirectUpload.AspNetCore;
using DirectUpload.AspNetCore.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Uppy Companion-compatible S3 routes over DirectUpload's multipart and grant services.</summary>
public static class UppyCompanionEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the S3 routes that Uppy's <c>@uppy/aws-s3</c> plugin calls in its <c>companionEndpoint</c> mode (Uppy 6;
    /// the <c>endpoint</c> mode of Uppy 5 calls the same routes) under <c>{prefix}/s3</c>, for one upload profile:
    /// <c>POST /multipart</c>, <c>GET /multipart/{uploadId}/{partNumber}?key=</c>, <c>GET /multipart/{uploadId}?key=</c>,
    /// <c>POST /multipart/{uploadId}/complete?key=</c>, <c>DELETE /multipart/{uploadId}?key=</c> and <c>GET /params</c>.
    /// Give Uppy <c>companionEndpoint: prefix</c>.
    /// </summary>
    /// <remarks>
    /// Unlike Companion, which signs parts for any key and upload id a client names, the <c>uploadId</c> these routes
    /// hand Uppy is DirectUpload's signed multipart token (it binds the store's upload id, key, owner, profile, size and
    /// part size), and the <c>key</c> Uppy sends back must be the token's. So nobody can sign, list, complete or abort an
    /// upload that is not theirs. The page must put the file's size into Uppy's file meta (field
    /// <see cref="UppyCompanionOptions.SizeMetaField"/>): uploads without it are refused, and with it every part URL signs
    /// its exact length and completion checks the parts (ListParts) and the final size against the declared one.
    /// Refusals are <c>application/problem+json</c> with a stable <c>code</c>; their <c>detail</c> is also the HTTP/1.1
    /// reason phrase, which is what Uppy shows (<c>Companion request failed: {statusText}</c>).
    /// </remarks>
    /// <param name="endpoints">The endpoint route builder (e.g. the <c>WebApplication</c>).</param>
    /// <param name="prefix">The route prefix, e.g. <c>/uppy/videos</c>; Uppy's <c>companionEndpoint</c>.</param>
    /// <param name="profile">The upload profile every upload through these routes uses.</param>
    /// <param name="configure">Configures the routes.</param>
    /// <returns>The route group, to add conventions such as <c>RequireAuthorization</c> or rate limiting.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="endpoints"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> or <paramref name="profile"/> is null or empty.</exception>
    /// <exception cref="InvalidOperationException">The application's services do not have DirectUpload (<c>AddDirectUploads</c> was not called).</exception>
    public static RouteGroupBuilder MapUppyCompanion(this IEndpointRouteBuilder endpoints, string prefix, string profile, Action<UppyCompanionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        ArgumentException.ThrowIfNullOrEmpty(profile);
        var options = new UppyCompanionOptions();
        configure?.Invoke(options);
        var handlers = new UppyCompanionEndpoints(options, profile, endpoints.ServiceProvider);
        string Name(string endpoint) => string.Concat("UppyCompanion", prefix.Replace('/', '-'), "-", endpoint);

        var group = endpoints.MapGroup(prefix + "/s3").WithTags("Uppy Companion");
        group.MapPost("/multipart", (Func<HttpContext, Task<IResult>>)handlers.CreateAsync).WithName(Name("create"))
            .WithSummary("Starts a multipart upload (Uppy: createMultipartUpload).")
            .AcceptsJson<UppyCreateBody>()
            .Produces<UppyCreateResponse>()
            .ProducesUploadProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden,
                StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status502BadGateway);
        group.MapGet("/multipart/{uploadId}/{partNumber}", handlers.SignPartAsync).WithName(Name("sign-part"))
            .WithSummary("Signs one part's PUT URL, with its exact length (Uppy: signPart).")
            .Produces<UppySignedPartResponse>()
            .ProducesUploadProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        group.MapGet("/multipart/{uploadId}", handlers.ListPartsAsync).WithName(Name("list-parts"))
            .WithSummary("Lists the parts the store has received (Uppy: listParts, to resume).")
            .Produces<IReadOnlyList<UppyPartResponse>>()
            .ProducesUploadProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden,
                StatusCodes.Status404NotFound, StatusCodes.Status502BadGateway);
        group.MapPost("/multipart/{uploadId}/complete", handlers.CompleteAsync).WithName(Name("complete"))
            .WithSummary("Completes the upload after checking every part and the total size (Uppy: completeMultipartUpload).")
            .AcceptsJson<UppyCompleteBody>()
            .Produces<UppyCompleteResponse>()
            .ProducesUploadProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden,
                StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType,
                StatusCodes.Status422UnprocessableEntity, StatusCodes.Status502BadGateway);
        group.MapDelete("/multipart/{uploadId}", handlers.AbortAsync).WithName(Name("abort"))
            .WithSummary("Aborts the upload and frees its parts (Uppy: abortMultipartUpload).")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesUploadProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden,
                StatusCodes.Status404NotFound, StatusCodes.Status502BadGateway);
        group.MapGet("/params", handlers.ParamsAsync).WithName(Name("params"))
            .WithSummary("A presigned POST policy for a single upload (Uppy: non-multipart uploads).")
            .Produces<UppyParamsResponse>()
            .ProducesUploadProblems(StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden,
                StatusCodes.Status404NotFound, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType);
        return group;
    }
}
