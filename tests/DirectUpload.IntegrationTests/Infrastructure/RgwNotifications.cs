using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DirectUpload.IntegrationTests.Infrastructure;

/// <summary>
/// Points the fixture bucket's event notifications for one key prefix at a push URL, through a persistent topic of its own,
/// with <c>eng/rgw/notify-setup.sh</c> (the script a host uses too). Notifications only ever add to the bucket's
/// configuration (no <c>--replace</c>), so tests of other areas that share the bucket are left alone.
/// </summary>
public static class RgwNotifications
{
    /// <summary>Creates topic <paramref name="topic"/> → <paramref name="pushUrl"/> and a notification for keys under <paramref name="prefix"/>.</summary>
    public static async Task SetUpAsync(S3Fixture s3, string topic, string pushUrl, string prefix, bool persistent = true)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            Path.Combine(RepositoryPaths.Root, "eng", "rgw", "notify-setup.sh"),
            "--topic", topic, "--id", topic, "--push", pushUrl, "--prefix", prefix,
            "--persistent", persistent ? "true" : "false", "--events", "s3:ObjectCreated:*",
        })
        {
            start.ArgumentList.Add(arg);
        }

        // credentials through the environment, not the command line
        start.Environment["RGW_ENDPOINT"] = s3.Endpoint;
        start.Environment["RGW_ACCESS_KEY"] = s3.AccessKey;
        start.Environment["RGW_SECRET_KEY"] = s3.SecretKey;
        start.Environment["RGW_BUCKET"] = s3.Bucket;
        start.Environment["RGW_REGION"] = s3.Region;
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"notify-setup.sh failed ({process.ExitCode}): {await stderr}");
        }

        (await stdout).Should().Contain("RGW_TOPIC_ARN=");
    }

    /// <summary>A loopback TCP port nothing listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
