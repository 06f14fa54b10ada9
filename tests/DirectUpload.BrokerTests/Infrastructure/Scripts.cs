using System.Diagnostics;
using System.Text.RegularExpressions;

namespace DirectUpload.BrokerTests.Infrastructure;

/// <summary>Runs the repository's eng/ scripts and reads the <c>export NAME='value'</c> lines they print.</summary>
public static partial class Scripts
{
    public static string RepoRoot => RepositoryPaths.Root;

    public static async Task<IReadOnlyDictionary<string, string>> RunAsync(string relativeScript, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout, params string[] args)
    {
        var script = Path.Combine(RepoRoot, relativeScript);
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoRoot,
        };
        start.ArgumentList.Add(script);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not run bash {script}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{relativeScript} did not finish within {timeout.TotalSeconds:0} s:\n{Tail(await stderr)}");
        }

        var output = await stdout;
        var log = await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{relativeScript} exited with {process.ExitCode}:\n{Tail(log)}");
        }

        return ExportLine().Matches(output).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value, StringComparer.Ordinal);
    }

    public static string Tail(string text, int lines = 40) =>
        string.Join('\n', text.Split('\n').TakeLast(lines));

    [GeneratedRegex(@"^export ([A-Z0-9_]+)='([^']*)'\s*$", RegexOptions.Multiline)]
    private static partial Regex ExportLine();
}
