using DirectUpload.AspNetCore;
using DirectUpload.AspNetCore.Internal;
using Microsoft.AspNetCore.Http;
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
    public static RouteGroupBuilder MapDirectUploads(this IEndpointRouteBuilder endpoints, string prefix = "/uploads", Action<DirectUploadEndpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var options = new DirectUploadEndpointOptions();
        configure?.Invoke(options);
        var handlers = new UploadEndpoints(options);

        var group = endpoints.MapGroup(prefix);
        group.MapPost("/{profile}", handlers.IssueGrantAsync).WithName(Name(prefix, "grant"));
        group.MapPost("/{profile}/complete", handlers.ConfirmAsync).WithName(Name(prefix, "complete"));
        group.MapPost("/{profile}/multipart", handlers.StartMultipartAsync).WithName(Name(prefix, "multipart-start"));
        group.MapPost("/{profile}/multipart/parts", handlers.SignPartsAsync).WithName(Name(prefix, "multipart-sign-parts"));
        group.MapGet("/{profile}/multipart/parts", handlers.ListPartsAsync).WithName(Name(prefix, "multipart-list-parts"));
        group.MapPost("/{profile}/multipart/complete", handlers.CompleteMultipartAsync).WithName(Name(prefix, "multipart-complete"));
        group.MapDelete("/{profile}/multipart", handlers.AbortMultipartAsync).WithName(Name(prefix, "multipart-abort"));
        if (options.EnableDownloads)
        {
            group.MapGet("/{profile}/download", handlers.DownloadAsync).WithName(Name(prefix, "download"));
        }

        return group;
    }

    private static string Name(string prefix, string endpoint) => string.Concat("DirectUpload", prefix.Replace('/', '-'), "-", endpoint);
}
