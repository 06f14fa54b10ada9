namespace DirectUpload.AspNetCore.Tests.Infrastructure;

/// <summary>A clock that stands still until told to move.</summary>
public sealed class FakeTimeProvider(DateTimeOffset now) : TimeProvider
{
    private long _ticks = now.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
