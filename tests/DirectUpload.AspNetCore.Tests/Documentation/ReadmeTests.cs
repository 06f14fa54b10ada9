using System.Reflection;
using DirectUpload.AspNetCore.Internal;
using Microsoft.Extensions.Logging;

namespace DirectUpload.AspNetCore.Tests.Documentation;

/// <summary>Pins the endpoints' log events and error codes to the repository README.</summary>
public sealed class ReadmeTests
{
    private static readonly string Readme = File.ReadAllText(RepositoryPaths.Combine("README.md"));

    [Fact]
    public void Readme_DocumentsEveryEndpointLogEvent()
    {
        Readme.Should().Contain($"`{EndpointLog.Category}`");
        var messages = typeof(EndpointLog).GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .ToList();

        messages.Should().NotBeEmpty();
        foreach (var message in messages)
        {
            Readme.Should().Contain($"event {message.EventId} `{message.EventName}` ({message.Level}");
        }
    }

    [Theory]
    [InlineData("unauthenticated")]
    [InlineData("forbidden")]
    [InlineData("invalid_request")]
    [InlineData("invalid_request_content_type")]
    [InlineData("request_too_large")]
    [InlineData("storage_error")]
    public void Readme_ListsTheEndpointCodes(string code) => Readme.Should().Contain($"`{code}`");
}
