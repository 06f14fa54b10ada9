using System.Diagnostics;
using System.Text.RegularExpressions;

namespace DirectUpload.Testing;

/// <summary>
/// Runs the repository's <c>eng/</c> scripts (start-rgw.sh, radosgw-ctl.sh, start-rabbitmq.sh, …) with bash, from the
/// repository root, and reads the <c>export NAME='value'</c> lines they print.
/// </summary>
internal static partial class EngScripts
{
    /// <summary>What a script did: its exit code, its two outputs, and whether it was killed for taking too long.</summary>
    internal sealed record Result(int ExitCode, string Stdout, string Stderr, bool TimedOut)
    {
        /// <summary>Gets the <c>export</c> lines of <see cref="Stdout"/>.</summary>
        public Dictionary<string, string> Exports => ParseExports(Stdout);
    }

    /// <summary>
    /// Runs <c>bash {repo}/{relativeScript} args…</c>. <paramref name="environment"/> sets variables (a <see langword="null"/>
    /// value removes an inherited one). After <paramref name="timeout"/> the script's process tree is killed and
    /// <see cref="Result.TimedOut"/> is set; a failing script does not throw, the caller decides.
    /// </summary>
    public static async Task<Result> RunAsync(string relativeScript, IReadOnlyDictionary<string, string?> environment, TimeSpan timeout, params string[] args)
    {
        var script = Path.Combine(RepositoryPaths.Root, relativeScript);
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryPaths.Root,
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

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not run bash {script}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        return new Result(process.ExitCode, await stdout, await stderr, timedOut);
    }

    /// <summary>The <c>export NAME='value'</c> lines of a script's output (shell-quoted values unquoted).</summary>
    public static Dictionary<string, string> ParseExports(string output)
    {
        var exports = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n'))
        {
            var match = ExportLine().Match(line.TrimEnd('\r', ' ', '\t'));
            if (match.Success)
            {
                exports[match.Groups[1].Value] = match.Groups[2].Value.Replace("'\\''", "'", StringComparison.Ordinal);
            }
        }

        return exports;
    }

    /// <summary>The last <paramref name="lines"/> lines of a log, for failure messages.</summary>
    public static string Tail(string text, int lines = 40) => string.Join('\n', text.Split('\n').TakeLast(lines));

    [GeneratedRegex(@"^export ([A-Za-z_][A-Za-z0-9_]*)='(.*)'$")]
    private static partial Regex ExportLine();
}
