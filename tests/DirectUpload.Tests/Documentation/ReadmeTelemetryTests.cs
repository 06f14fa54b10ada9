using System.Reflection;
using DirectUpload.Internal;
using DirectUpload.Tests.TestUtilities;
using Microsoft.Extensions.Logging;

namespace DirectUpload.Tests.Documentation;

/// <summary>Pins the telemetry names and log event ids to the README's tables, so the two cannot drift apart.</summary>
public class ReadmeTelemetryTests
{
    private static readonly string Readme = File.ReadAllText(RepositoryPaths.Combine("README.md"));

    [Fact]
    public void Readme_ListsEveryInstrumentMeterAndTag()
    {
        var names = new[]
        {
            DirectUploadTelemetry.Name,
            DirectUploadTelemetry.GrantsIssued,
            DirectUploadTelemetry.GrantsRejected,
            DirectUploadTelemetry.UploadsCompleted,
            DirectUploadTelemetry.TagProfile,
            DirectUploadTelemetry.TagMethod,
            DirectUploadTelemetry.TagErrorType,
            DirectUploadTelemetry.UnknownProfileTag,
        };

        foreach (var name in names)
        {
            Readme.Should().Contain($"`{name}`", $"the README must document the telemetry name {name}");
        }
    }

    [Fact]
    public void Readme_LogTable_MatchesEveryLoggerMessage()
    {
        var messages = typeof(Log).GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .Where(a => a is not null)
            .ToList();

        messages.Should().NotBeEmpty();
        foreach (var message in messages)
        {
            Readme.Should().Contain(
                $"| {message!.EventId} | `{message.EventName}` | {message.Level} |",
                $"the README's log table must list event {message.EventId} {message.EventName} at {message.Level}");
        }
    }

    [Fact]
    public void Readme_ListsEveryRejectionCode()
    {
        foreach (var reason in Enum.GetValues<UploadRejectionReason>())
        {
            Readme.Should().Contain($"`{UploadRejectionCodes.ToCode(reason)}`", $"the README's HTTP table must list the code of {reason}");
        }
    }
}
