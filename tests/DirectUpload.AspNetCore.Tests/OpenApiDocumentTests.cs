using System.Net;
using System.Text.Json;
using DirectUpload.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.AspNetCore.Tests;

/// <summary>
/// The OpenAPI document that Microsoft.AspNetCore.OpenApi generates for a host with <c>MapDirectUploads</c> and
/// <c>MapUppyCompanion</c>: every route, its parameters, its request body, its answer and every problem it declares.
/// </summary>
public sealed class OpenApiDocumentTests : IDisposable
{
    private readonly DirectUploadApp _app = new();

    public void Dispose() => _app.Dispose();

    /// <summary>(method, path) → the status codes the document must list; 4xx/5xx are application/problem+json.</summary>
    public static TheoryData<string, string, int[]> Routes => new()
    {
        { "post", "/uploads/{profile}", [200, 400, 401, 403, 404, 413, 415] },
        { "post", "/uploads/{profile}/complete", [200, 400, 401, 403, 404, 413, 415, 422, 502] },
        { "post", "/uploads/{profile}/multipart", [200, 400, 401, 403, 404, 413, 415, 502] },
        { "post", "/uploads/{profile}/multipart/parts", [200, 400, 401, 403, 404, 413, 415] },
        { "get", "/uploads/{profile}/multipart/parts", [200, 400, 401, 403, 404, 502] },
        { "post", "/uploads/{profile}/multipart/complete", [200, 400, 401, 403, 404, 413, 415, 422, 502] },
        { "delete", "/uploads/{profile}/multipart", [204, 400, 401, 403, 404, 502] },
        { "get", "/uploads/{profile}/download", [200, 400, 401, 403, 404] },
        { "post", "/uploads/events", [200, 400, 401, 403, 413, 503] },
        { "post", "/uppy/videos/s3/multipart", [200, 400, 401, 403, 404, 413, 415, 502] },
        { "get", "/uppy/videos/s3/multipart/{uploadId}/{partNumber}", [200, 400, 401, 403, 404] },
        { "get", "/uppy/videos/s3/multipart/{uploadId}", [200, 400, 401, 403, 404, 502] },
        { "post", "/uppy/videos/s3/multipart/{uploadId}/complete", [200, 400, 401, 403, 404, 413, 415, 422, 502] },
        { "delete", "/uppy/videos/s3/multipart/{uploadId}", [204, 400, 401, 403, 404, 502] },
        { "get", "/uppy/videos/s3/params", [200, 400, 401, 403, 404, 413, 415] },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Document_ListsTheRouteWithItsAnswerAndProblems(string method, string path, int[] statuses)
    {
        var document = await DocumentAsync();

        var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
        operation.GetProperty("operationId").GetString().Should().NotBeNullOrEmpty();
        var responses = operation.GetProperty("responses");
        responses.EnumerateObject().Select(r => int.Parse(r.Name, System.Globalization.CultureInfo.InvariantCulture)).Should().BeEquivalentTo(statuses);
        foreach (var status in statuses)
        {
            var response = responses.GetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (status >= 400)
            {
                response.GetProperty("content").TryGetProperty("application/problem+json", out var problem).Should().BeTrue($"{method} {path} {status} is a problem");
                problem.GetProperty("schema").ValueKind.Should().Be(JsonValueKind.Object);
            }
            else if (status == 200)
            {
                response.GetProperty("content").GetProperty("application/json").GetProperty("schema").ValueKind.Should().Be(JsonValueKind.Object);
            }
        }

        if (method == "post")
        {
            operation.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _).Should().BeTrue($"{method} {path} declares its JSON body");
        }
    }

    [Theory]
    [InlineData("get", "/uploads/{profile}/multipart/parts", "profile", "token")]
    [InlineData("delete", "/uploads/{profile}/multipart", "profile", "token")]
    [InlineData("get", "/uploads/{profile}/download", "profile", "key", "inline", "contentType")]
    [InlineData("get", "/uppy/videos/s3/multipart/{uploadId}/{partNumber}", "uploadId", "partNumber", "key")]
    [InlineData("get", "/uppy/videos/s3/multipart/{uploadId}", "uploadId", "key")]
    [InlineData("get", "/uppy/videos/s3/params", "filename", "type")]
    [InlineData("post", "/uploads/events", "secret")]
    public async Task Document_ListsTheTypedParameters(string method, string path, params string[] names)
    {
        var document = await DocumentAsync();

        var parameters = document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("parameters");
        parameters.EnumerateArray().Select(p => p.GetProperty("name").GetString()).Should().BeEquivalentTo(names);
    }

    [Fact]
    public async Task EveryDirectUploadRouteOfTheHost_IsInTheDocumentWithAnAnswerAndProblems()
    {
        var document = await DocumentAsync();
        var paths = document.GetProperty("paths");
        var routes = _app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName is { } name
                && (name.StartsWith("DirectUpload", StringComparison.Ordinal) || name.StartsWith("UppyCompanion", StringComparison.Ordinal)))
            .ToList();

        routes.Should().HaveCountGreaterThanOrEqualTo(Routes.Count, "every route of the table above is mapped");
        foreach (var route in routes)
        {
            var path = "/" + route.RoutePattern.RawText!.TrimStart('/');
            var method = route.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Single().ToLowerInvariant();
            paths.TryGetProperty(path, out var item).Should().BeTrue($"{path} is documented");
            item.TryGetProperty(method, out _).Should().BeTrue($"{method} {path} is documented");
            var produces = route.Metadata.GetOrderedMetadata<IProducesResponseTypeMetadata>().Select(m => m.StatusCode).ToList();
            produces.Should().Contain(s => s < 300, $"{method} {path} declares its answer");
            produces.Should().Contain(s => s >= 400, $"{method} {path} declares its problems");
        }
    }

    private async Task<JsonElement> DocumentAsync()
    {
        var response = await _app.Anonymous().GetAsync("/openapi/v1.json");
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}
