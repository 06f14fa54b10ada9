using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DirectUpload.AspNetCore.Internal;

/// <summary>The OpenAPI metadata shared by the routes (problem responses).</summary>
internal static class OpenApiConventions
{
    /// <summary>Declares <c>application/problem+json</c> responses (with a stable <c>code</c>) for each status.</summary>
    public static RouteHandlerBuilder ProducesUploadProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.ProducesProblem(status);
        }

        return builder;
    }
}
