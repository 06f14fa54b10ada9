using Microsoft.Extensions.Options;

namespace DirectUpload.Tests.TestUtilities;

/// <summary>An <see cref="IOptionsMonitor{TOptions}"/> over one fixed instance, for subjects built without DI.</summary>
public sealed class TestOptionsMonitor<TOptions>(TOptions value) : IOptionsMonitor<TOptions>
{
    public TOptions CurrentValue { get; set; } = value;

    public TOptions Get(string? name) => CurrentValue;

    public IDisposable? OnChange(Action<TOptions, string?> listener) => null;
}
