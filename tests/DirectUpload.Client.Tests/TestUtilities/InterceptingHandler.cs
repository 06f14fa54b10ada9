namespace DirectUpload.Client.Tests.TestUtilities;

/// <summary>Answers a request itself when <c>intercept</c> returns a response; passes it on otherwise.</summary>
public sealed class InterceptingHandler(HttpMessageHandler inner, Func<HttpRequestMessage, HttpResponseMessage?> intercept) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        intercept(request) is { } response ? Task.FromResult(response) : base.SendAsync(request, cancellationToken);
}
