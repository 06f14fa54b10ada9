using System.Reflection;
using Amazon;

namespace DirectUpload.Tests.TestUtilities;

/// <summary>
/// Freezes the AWS SDK's clock (<c>AWSConfigs.utcNowSource</c>, an internal static) for the lifetime of the object,
/// then restores it. The SDK's clock is process-wide: use it only in the <see cref="AwsSdkClockCollectionDefinition"/>.
/// </summary>
public sealed class AwsSdkClock : IDisposable
{
    private static readonly FieldInfo Field =
        typeof(AWSConfigs).GetField("utcNowSource", BindingFlags.Static | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException("AWSConfigs.utcNowSource is gone: this AWSSDK.Core version keeps its clock elsewhere.");

    private readonly object? _previous;

    public AwsSdkClock(DateTimeOffset now)
    {
        _previous = Field.GetValue(null);
        var utc = now.UtcDateTime;
        Field.SetValue(null, (Func<DateTime>)(() => utc));
    }

    public void Dispose() => Field.SetValue(null, _previous);
}

/// <summary>Tests that freeze the AWS SDK's process-wide clock run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AwsSdkClockCollectionDefinition
{
    public const string Name = "AWS SDK clock";
}
