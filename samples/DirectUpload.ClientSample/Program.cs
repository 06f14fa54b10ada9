// DirectUpload.ClientSample: uploads one file to a DirectUpload host, straight to S3.
//
//   dotnet run --project samples/DirectUpload.ClientSample -- <host-url> <profile> <file> [content-type]
//   e.g. dotnet run --project samples/DirectUpload.ClientSample -- http://localhost:5000 videos ./big.mp4
//
// Set DIRECTUPLOAD_BEARER to send a bearer token to the host (never to the store). Ctrl+C stops a multipart upload
// without aborting it; running the same command again resumes it from the parts the store already has.

using System.Diagnostics;
using DirectUpload.Client;

// ─── 1. Arguments ───────────────────────────────────────────────────────────────────────────────
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: DirectUpload.ClientSample <host-url> <profile> <file> [content-type]");
    return 2;
}

var (hostUrl, profile, filePath) = (args[0], args[1], Path.GetFullPath(args[2]));
var contentType = args.Length > 3 ? args[3] : GuessContentType(filePath);
var sessionPath = filePath + ".upload.json";
if (!File.Exists(filePath))
{
    Console.Error.WriteLine($"No such file: {filePath}");
    return 2;
}

// ─── 2. The client: one HttpClient for the host (with the app's auth), the store gets its own ──
using var api = new HttpClient { BaseAddress = new Uri(hostUrl) };
if (Environment.GetEnvironmentVariable("DIRECTUPLOAD_BEARER") is { Length: > 0 } bearer)
{
    api.DefaultRequestHeaders.Authorization = new("Bearer", bearer);
}

var client = new DirectUploadClient(api, new DirectUploadClientOptions { BasePath = "/uploads" });

// ─── 3. Options: progress on one console line, the multipart session saved for resume ─────────
var size = new FileInfo(filePath).Length;
var clock = Stopwatch.StartNew();
var options = new UploadOptions
{
    MultipartThresholdBytes = 64L * 1024 * 1024,
    MaxParallelParts = 4,
    Progress = new ConsoleProgress(clock),
    OnMultipartStarted = async session =>
    {
        await File.WriteAllTextAsync(sessionPath, session.ToJson());
        Console.WriteLine($"multipart: {session.PartCount} parts of {session.PartSize / (1024 * 1024)} MiB (session saved to {sessionPath})");
    },
};

using var cts = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cts.Cancel();
};

// ─── 4. Upload, or resume the upload a previous run left ────────────────────────────────────
Console.WriteLine($"uploading {Path.GetFileName(filePath)} ({size:N0} bytes, {contentType}) to {hostUrl} profile '{profile}'");
try
{
    UploadResult result;
    if (File.Exists(sessionPath))
    {
        var session = MultipartSession.FromJson(await File.ReadAllTextAsync(sessionPath, cts.Token));
        Console.WriteLine($"resuming multipart upload {session.UploadId}");
        result = await client.ResumeMultipartAsync(profile, session, filePath, options, cts.Token);
    }
    else
    {
        result = await client.UploadAsync(profile, filePath, contentType, options, cts.Token);
    }

    File.Delete(sessionPath);
    Console.WriteLine();
    Console.WriteLine($"stored {result.Key} ({result.Size:N0} bytes, ETag {result.ETag}) in {clock.Elapsed.TotalSeconds:F1} s");
    return 0;
}

// ─── 5. Failures: cancelled (resumable), refused (with the host's or the store's code) ───────
catch (OperationCanceledException)
{
    Console.WriteLine();
    Console.WriteLine(File.Exists(sessionPath) ? "cancelled; run the same command again to resume" : "cancelled");
    return 130;
}
catch (DirectUploadClientException ex)
{
    Console.WriteLine();
    Console.Error.WriteLine($"refused: {ex.Code} ({(int?)ex.StatusCode}) {ex.Title} {ex.Detail}");
    if (ex.Code is "expired" or "invalid_token")
    {
        File.Delete(sessionPath); // the session cannot be resumed any more: start over next time
    }

    return 1;
}
catch (HttpRequestException ex)
{
    Console.WriteLine();
    Console.Error.WriteLine($"network: {ex.Message}{(File.Exists(sessionPath) ? " (run again to resume)" : string.Empty)}");
    return 1;
}

static string GuessContentType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
{
    ".jpg" or ".jpeg" => "image/jpeg",
    ".png" => "image/png",
    ".gif" => "image/gif",
    ".webp" => "image/webp",
    ".pdf" => "application/pdf",
    ".mp4" => "video/mp4",
    ".mov" => "video/quicktime",
    ".zip" => "application/zip",
    ".txt" => "text/plain",
    _ => "application/octet-stream",
};

/// <summary>
/// Writes progress on one console line, at most ten times a second. The rate counts only bytes sent by this run: the
/// first report of a resumed upload already includes the parts the store had, so it is the baseline, not a transfer.
/// </summary>
internal sealed class ConsoleProgress(Stopwatch clock) : IProgress<UploadProgress>
{
    private readonly Lock _lock = new();
    private long _lastTick = -1;
    private long _baselineBytes = -1;
    private double _baselineSeconds;

    public void Report(UploadProgress value)
    {
        lock (_lock)
        {
            if (_baselineBytes < 0)
            {
                _baselineBytes = value.BytesSent;
                _baselineSeconds = clock.Elapsed.TotalSeconds;
            }

            var tick = clock.ElapsedMilliseconds / 100;
            if (tick == _lastTick && value.BytesSent < value.TotalBytes)
            {
                return;
            }

            _lastTick = tick;
            var rate = (value.BytesSent - _baselineBytes) / Math.Max(clock.Elapsed.TotalSeconds - _baselineSeconds, 0.001) / (1024 * 1024);
            Console.Write($"\r{value.Fraction,7:P1}  {value.BytesSent:N0} / {value.TotalBytes:N0} bytes  {rate:F1} MiB/s   ");
        }
    }
}
