using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace DirectUpload.Testing;

/// <summary>
/// Real hosts of the tests: Kestrel on 127.0.0.1 (a free port, or a given one, e.g. the port of a host being replaced),
/// no log output, and the address it really listens on once started.
/// </summary>
internal static class LoopbackApp
{
    /// <summary>A slim builder listening on loopback <paramref name="port"/> (0 = pick a free one).</summary>
    public static WebApplicationBuilder CreateBuilder(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, port));
        return builder;
    }

    /// <summary>The started app's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public static Uri BaseAddress(this WebApplication app) => new(app.Urls.Single().TrimEnd('/') + "/");

    /// <summary>Stops the app (giving requests in flight <paramref name="grace"/>, 10 s by default) and disposes it.</summary>
    public static async ValueTask StopAndDisposeAsync(this WebApplication app, TimeSpan? grace = null)
    {
        using var timeout = new CancellationTokenSource(grace ?? TimeSpan.FromSeconds(10));
        await app.StopAsync(timeout.Token);
        await app.DisposeAsync();
    }
}
