using System.Security.Cryptography;
using Amazon.S3;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.FaultTests.Infrastructure;

/// <summary>
/// A real DirectUpload host: Kestrel on 127.0.0.1 (a free port, or the port of the host it replaces), the endpoints at
/// <c>/uploads</c>, signing for the private RGW. Restarting it with the same token key is what an app's redeploy does.
/// </summary>
public sealed class UploadHost : IAsyncDisposable
{
    public const string Profile = "big";
    public const string CheckedProfile = "checked";
    public const long PartSize = 5L * 1024 * 1024;

    private readonly WebApplication _app;

    private UploadHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public static string NewTokenKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public Uri Address { get; }

    public static async Task<UploadHost> StartAsync(PrivateRgw rgw, string tokenKey, string prefix, int port = 0)
    {
        var builder = LoopbackApp.CreateBuilder(port);
        builder.Services.AddSingleton<IAmazonS3>(_ => rgw.CreateS3Client());
        builder.Services
            .AddDirectUploads(o =>
            {
                o.BucketName = rgw.Bucket;
                o.TokenSigningKey = tokenKey;
            })
            .AddProfile(Profile, p =>
            {
                p.Method = UploadMethod.Multipart;
                p.KeyPrefix = prefix;
                p.AllowedContentTypes.Add("*/*");
                p.MinSizeBytes = 1;
                p.MaxSizeBytes = 1L * 1024 * 1024 * 1024;
                p.PartSizeBytes = PartSize;
            })
            .AddProfile(CheckedProfile, p =>
            {
                p.Method = UploadMethod.Multipart;
                p.KeyPrefix = prefix + "checked/";
                p.AllowedContentTypes.Add("*/*");
                p.MinSizeBytes = 1;
                p.MaxSizeBytes = 1L * 1024 * 1024 * 1024;
                p.PartSizeBytes = PartSize;
                p.RequireContentMd5 = true;
            });
        var app = builder.Build();
        app.MapDirectUploads("/uploads");
        await app.StartAsync();
        return new UploadHost(app, app.BaseAddress());
    }

    public ValueTask DisposeAsync() => _app.StopAndDisposeAsync(TimeSpan.FromSeconds(5));
}
