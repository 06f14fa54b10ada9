using System.Diagnostics;
using System.Text;

namespace DirectUpload.BrokerTests.Infrastructure;

/// <summary>A worker (tests/DirectUpload.BrokerTests.Worker) running as its own process, known by PID.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _consuming = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _consumingCount;

    private WorkerProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Gets the worker's console output so far (for failure messages).</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>How often the worker logged that it reconnected.</summary>
    public int Reconnects => CountOf("reconnected to the broker");

    public static async Task<WorkerProcess> StartAsync(Lane lane, string workerId, IReadOnlyDictionary<string, string>? extra = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "DirectUpload.BrokerTests.Worker.dll");
        File.Exists(dll).Should().BeTrue("the worker is built next to the tests (project reference)");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (name, value) in lane.WorkerEnvironment(workerId))
        {
            start.Environment[name] = value;
        }

        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the worker");
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => worker.OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var ready = await Task.WhenAny(worker._consuming.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (ready != worker._consuming.Task)
        {
            var output = worker.Output;
            await worker.DisposeAsync();
            throw new InvalidOperationException($"worker {workerId} did not start consuming:\n{Scripts.Tail(output)}");
        }

        return worker;
    }

    /// <summary>SIGKILL, as a crash or an OOM kill would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM (graceful shutdown), then wait.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            throw new TimeoutException($"the worker did not stop within {timeout.TotalSeconds:0} s after SIGTERM:\n{Scripts.Tail(Output)}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private int CountOf(string text)
    {
        var output = Output;
        var count = 0;
        for (var i = output.IndexOf(text, StringComparison.Ordinal); i >= 0; i = output.IndexOf(text, i + text.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.Contains("DirectUpload worker consuming queue", StringComparison.Ordinal) && Interlocked.Increment(ref _consumingCount) == 1)
        {
            _consuming.TrySetResult();
        }
    }
}
