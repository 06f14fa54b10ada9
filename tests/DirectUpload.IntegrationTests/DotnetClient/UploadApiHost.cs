using DirectUpload.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.IntegrationTests.DotnetClient;

/// <summary>
/// A real DirectUpload host for the .NET client: Kestrel on a free 127.0.0.1 port, <c>MapDirectUploads("/uploads")</c>,
/// signing for the run's S3 (the <see cref="S3Fixture"/>). Three open profiles under one fresh key prefix: a PUT, a POST
/// and a multipart one, each for text and PDF documents up to <see cref="MaxSizeBytes"/>.
/// </summary>
public sealed class UploadApiHost : IAsyncDisposable
{
    public const string PutProfile = "docs-put";
    public const string PostProfile = "docs-post";
    public const string MultipartProfile = "docs-multipart";

    /// <summary>The smallest part S3 accepts: the multipart profile's part size.</summary>
    public const long PartSize = 5L * 1024 * 1024;

    public const long MaxSizeBytes = 32L * 1024 * 1024;

    private readonly WebApplication _app;

    private UploadApiHost(WebApplication app, Uri address, string prefix)
    {
        _app = app;
        Address = address;
        Prefix = prefix;
    }

    /// <summary>The host's base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; }

    /// <summary>The key prefix every profile of this host stores under (and nothing else does).</summary>
    public string Prefix { get; }

    public static async Task<UploadApiHost> StartAsync(S3Fixture s3, string prefix)
    {
        var builder = LoopbackApp.CreateBuilder();
        builder.Services.AddSingleton<Amazon.S3.IAmazonS3>(s3.S3);
        builder.Services
            .AddDirectUploads(o =>
            {
                o.BucketName = s3.Bucket;
                o.TokenSigningKey = S3Fixture.TokenSigningKey;
            })
            .AddProfile(PutProfile, p => Documents(p, UploadMethod.Put, prefix + "put/"))
            .AddProfile(PostProfile, p => Documents(p, UploadMethod.Post, prefix + "post/"))
            .AddProfile(MultipartProfile, p =>
            {
                Documents(p, UploadMethod.Multipart, prefix + "multipart/");
                p.PartSizeBytes = PartSize;
            });
        var app = builder.Build();
        app.MapDirectUploads("/uploads");
        await app.StartAsync();
        return new UploadApiHost(app, app.BaseAddress(), prefix);
    }

    public ValueTask DisposeAsync() => _app.StopAndDisposeAsync();

    private static void Documents(UploadProfileOptions profile, UploadMethod method, string prefix)
    {
        profile.Method = method;
        profile.KeyPrefix = prefix;
        profile.AllowedContentTypes.Add("text/plain");
        profile.AllowedContentTypes.Add("application/pdf");
        profile.MinSizeBytes = 1;
        profile.MaxSizeBytes = MaxSizeBytes;
    }
}

/// <summary>Counts the requests a storage <see cref="HttpClient"/> sends; can fail or cancel from the n-th one on.</summary>
public sealed class StorageRequests : DelegatingHandler
{
    private int _count;

    public StorageRequests()
        : base(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
    {
    }

    /// <summary>Gets how many requests went out (or were refused by <see cref="FailFrom"/>).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Gets or sets the 1-based request from which on every request fails with a network error (0: none).</summary>
    public int FailFrom { get; set; }

    /// <summary>Gets or sets what runs just before the <see cref="OnRequest"/>-th request goes out (e.g. cancelling the upload).</summary>
    public Action? Before { get; set; }

    /// <summary>Gets or sets the 1-based request that <see cref="Before"/> runs for (0: none).</summary>
    public int OnRequest { get; set; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _count);
        if (n == OnRequest)
        {
            Before?.Invoke();
        }

        if (FailFrom > 0 && n >= FailFrom)
        {
            throw new HttpRequestException("The network went away (injected by the test).");
        }

        return base.SendAsync(request, cancellationToken);
    }
}
