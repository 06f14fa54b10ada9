namespace DirectUpload.BrokerTests.Infrastructure;

/// <summary>Runs the repository's eng/ scripts (<see cref="EngScripts"/>), failing on a non-zero exit, and returns their <c>export</c> lines.</summary>
public static class Scripts
{
    public static async Task<IReadOnlyDictionary<string, string>> RunAsync(string relativeScript, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout, params string[] args)
    {
        var result = await EngScripts.RunAsync(relativeScript, environment, timeout, args);
        if (result.TimedOut)
        {
            throw new InvalidOperationException($"{relativeScript} did not finish within {timeout.TotalSeconds:0} s:\n{Tail(result.Stderr)}");
        }

        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{relativeScript} exited with {result.ExitCode}:\n{Tail(result.Stderr)}");
        }

        return result.Exports;
    }

    public static string Tail(string text, int lines = 40) => EngScripts.Tail(text, lines);
}
