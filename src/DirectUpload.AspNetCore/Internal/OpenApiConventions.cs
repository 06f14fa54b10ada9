using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace DirectUpload.AspNetCore.Internal;

/// <summary>The OpenAPI metadata shared by the routes (problem responses).</summary>
internal static class OpenApiConventions
{
    /// <summary>
    /// Declares the JSON request body for OpenAPI. <c>*/*</c> is listed too so that routing's content-type matcher lets
    /// every request through to the handler, which answers a wrong content type with a 415 problem carrying a stable
    /// <c>code</c> (the matcher would answer an empty 415).
    /// </summary>
    public static RouteHandlerBuilder AcceptsJson<TBody>(this RouteHandlerBuilder builder)
        where TBody : notnull =>
        builder.Accepts<TBody>(isOptional: true, "application/json", "*/*");

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
