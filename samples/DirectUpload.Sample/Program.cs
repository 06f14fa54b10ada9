// DirectUpload sample: a photo album, a documents page and a large-file page whose uploads go from the browser
// straight to S3. This app only signs short-lived grants and records what was uploaded; it never carries the bytes
// (except in the deliberately naive baseline of section 9).
//
//   ./eng/run-sample.sh                     starts a throwaway local S3 (Ceph RGW) and this app on http://127.0.0.1:5080
//   dotnet run --project samples/DirectUpload.Sample -- --urls http://127.0.0.1:5081
//                                           with DIRECTUPLOAD_S3_* set, or an "S3" section in appsettings.json
using System.Diagnostics;
using System.Security.Claims;
using Amazon.S3;
using Amazon.S3.Model;
using DirectUpload;
using DirectUpload.Sample;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);
// /_content/DirectUpload.AspNetCore/directupload.js (the browser client) also when run from build output outside
// Development (the browser tests do); after `dotnet publish` the file sits in wwwroot/_content and this is a no-op.
builder.WebHost.UseStaticWebAssets();

// ════════════════════════════════════════════════════════════════════════════════════════════════
// 1. S3: the DIRECTUPLOAD_S3_* environment variables (local RGW), else the "S3" configuration section
// ════════════════════════════════════════════════════════════════════════════════════════════════
var s3 = S3Settings.Load(builder.Configuration);
builder.Services.AddSingleton(s3);
builder.Services.AddSingleton<IAmazonS3>(_ => s3.CreateClient());
builder.Services.AddSampleUploadSigning(s3); // grants signed by a write-only identity when configured (README: unsigned x-amz-* headers)

// ════════════════════════════════════════════════════════════════════════════════════════════════
// 2. DirectUpload: the token key and the three upload profiles
// ════════════════════════════════════════════════════════════════════════════════════════════════
// The key that signs grant tokens, from a secret store (environment variable DirectUpload__TokenSigningKey, user
// secrets, Key Vault…: `openssl rand -base64 32`). None is in source control; in Development without one, a random
// per-process key (SampleSecurity.cs); anywhere else the app refuses to start.
var tokenSigningKey = builder.GetTokenSigningKey(out var generatedTokenKey);
builder.Services.AddSampleRateLimiting(builder.Configuration);

const long MiB = 1024 * 1024;
builder.Services
    .AddDirectUploads(o =>
    {
        o.BucketName = s3.Bucket;
        o.TokenSigningKey = tokenSigningKey;
    })
    // photos: presigned PUT, images only, ≤ 10 MiB, each user's photos under photos/users/{user}/, the file name kept
    .AddS3PresignedPut("photos", p =>
    {
        p.KeyPrefix = "photos/";
        foreach (var type in new[] { "image/jpeg", "image/png", "image/gif", "image/webp" })
        {
            p.AllowedContentTypes.Add(type);
        }

        p.MaxSizeBytes = 10 * MiB;
        p.ScopeToOwner = true;
        p.KeepFileName = true;
    })
    // documents: presigned POST policy (S3 itself enforces content-length-range and the exact type), ≤ 20 MiB
    .AddS3PresignedPost("documents", p =>
    {
        p.KeyPrefix = "documents/";
        p.AllowedContentTypes.Add("application/pdf");
        p.AllowedContentTypes.Add("text/plain");
        p.MaxSizeBytes = 20 * MiB;
        p.KeepFileName = true;
    })
    // large: multipart, any type, up to 30 GiB in 8 MiB parts (raised automatically to stay ≤ 10,000 parts).
    // The bucket should have a lifecycle rule that aborts incomplete multipart uploads (see the repository README).
    .AddProfile("large", p =>
    {
        p.Method = UploadMethod.Multipart;
        p.KeyPrefix = "large/";
        p.AllowedContentTypes.Add("*/*");
        p.MaxSizeBytes = builder.Configuration.GetValue<long?>("Sample:LargeMaxBytes") ?? 30L * 1024 * MiB; // eng/run-sample.sh lowers it when its store is smaller
        p.PartSizeBytes = 8 * MiB;
        p.KeepFileName = true;
    })
    .AddUppyVideosProfile(); // videos: for the Uppy page (UppyDemo.cs)
// A real app would also protect "documents" and "large" (UploadProfileOptions.AuthorizationPolicy); the sample
// leaves them open so that they can be tried without signing in.

// ════════════════════════════════════════════════════════════════════════════════════════════════
// 3. Demo sign-in: a cookie with NameIdentifier = the name typed in (no password: it is a demo)
// ════════════════════════════════════════════════════════════════════════════════════════════════
builder.Services
    .AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(o =>
    {
        o.Cookie.Name = "directupload.sample";
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Lax; // no cookie on cross-site POSTs: the JSON endpoints are not CSRF-able
        o.SlidingExpiration = true;
        // an API, not a login page: answer 401/403 instead of redirecting
        o.Events.OnRedirectToLogin = context => { context.Response.StatusCode = StatusCodes.Status401Unauthorized; return Task.CompletedTask; };
        o.Events.OnRedirectToAccessDenied = context => { context.Response.StatusCode = StatusCodes.Status403Forbidden; return Task.CompletedTask; };
    });
builder.Services.AddAuthorization();
builder.Services.AddProblemDetails();

// ════════════════════════════════════════════════════════════════════════════════════════════════
// 4. The app's catalog (SQLite), written by DirectUpload's completion hook
// ════════════════════════════════════════════════════════════════════════════════════════════════
var catalog = UploadCatalog.Create(builder.Configuration.GetConnectionString("Uploads"), builder.Environment.ContentRootPath);
catalog.EnsureCreated();
builder.Services.AddSingleton(catalog);
builder.Services.AddSingleton<IUploadCompletedHandler, CatalogUploadCompletedHandler>();
builder.Services.AddSampleProcessing(); // thumbnails, run by the store's events (SampleEvents.cs)
builder.Services.AddSampleWorker(builder.Configuration); // worker mode: the same pipeline fed by RabbitMQ (SampleWorker.cs)

// ════════════════════════════════════════════════════════════════════════════════════════════════
// 5. Listen on http://127.0.0.1:5080 unless --urls / ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS say otherwise
// ════════════════════════════════════════════════════════════════════════════════════════════════
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"])
    && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
{
    builder.WebHost.UseUrls("http://127.0.0.1:5080");
}

var app = builder.Build();
SampleLog.S3Store(app.Logger, s3.Describe());
SampleLog.Catalog(app.Logger, catalog.DataSource);
if (generatedTokenKey)
{
    SampleLog.GeneratedTokenKey(app.Logger);
}

// ════════════════════════════════════════════════════════════════════════════════════════════════
// 6. Pages: static HTML + the browser client /_content/DirectUpload.AspNetCore/directupload.js (src/directupload-js)
// ════════════════════════════════════════════════════════════════════════════════════════════════
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDefaultFiles();
app.UseStaticFiles(new StaticFileOptions
{
    OnPrepareResponse = context => context.Context.Response.Headers.CacheControl = "no-cache",
});

// Uppy (npm package "uppy", for /uppy.html): its prebuilt ES module bundle, from this project's node_modules once
// `npm ci` has run here (eng/run-sample.sh and eng/install-deps.sh do). Optional: the other pages need no npm package.
var uppyDist = Path.Combine(app.Environment.ContentRootPath, "node_modules", "uppy", "dist");
if (Directory.Exists(uppyDist))
{
    app.UseStaticFiles(new StaticFileOptions
    {
        FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(uppyDist),
        RequestPath = "/lib/uppy",
    });
}
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();

// ════════════════════════════════════════════════════════════════════════════════════════════════
// 7. DirectUpload's endpoints: POST /uploads/{profile}, …/complete, …/multipart[/parts|/complete], …/download
// ════════════════════════════════════════════════════════════════════════════════════════════════
// rate-limited per user (or client address): the grant and multipart endpoints are open to anonymous callers here
app.MapDirectUploads("/uploads").RequireRateLimiting(SampleSecurity.UploadsRateLimitPolicy);
app.MapSampleEvents(); // POST /uploads/events?secret=…, the store's bucket notifications (SampleEvents.cs)
app.MapUppyDemo(); // Uppy's Companion S3 routes for /uppy-multipart.html: /uppy/videos/s3/… (UppyDemo.cs)

// ════════════════════════════════════════════════════════════════════════════════════════════════
// 8. The sample's own API: sign-in, the album, the catalog
// ════════════════════════════════════════════════════════════════════════════════════════════════
app.MapGet("/healthz", () => Results.Text("ok"));

app.MapPost("/signin", async (HttpContext context) =>
{
    if (!context.Request.HasFormContentType)
    {
        return Problem(StatusCodes.Status415UnsupportedMediaType, "invalid_request", "Sign in with a form post (field 'name').");
    }

    var form = await context.Request.ReadFormAsync(context.RequestAborted);
    var name = form["name"].ToString().Trim();
    if (name.Length == 0)
    {
        name = "demo";
    }

    if (name.Length > 64 || name.Any(char.IsControl))
    {
        return Problem(StatusCodes.Status400BadRequest, "invalid_name", "The name must be 1 to 64 characters without control characters.");
    }

    var identity = new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, name), new Claim(ClaimTypes.Name, name)],
        CookieAuthenticationDefaults.AuthenticationScheme);
    await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
    var returnUrl = form["returnUrl"].ToString();
    return Results.LocalRedirect(IsLocalUrl(returnUrl) ? returnUrl : "/");
});

app.MapPost("/signout", async (HttpContext context) =>
{
    await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    return Results.LocalRedirect("/");
});

app.MapGet("/api/me", (ClaimsPrincipal user) =>
{
    var name = user.FindFirstValue(ClaimTypes.NameIdentifier);
    return Results.Ok(new { signedIn = name is not null, name });
});

// The signed-in user's photos, newest first, each with a short-lived presigned GET URL to show it inline.
app.MapGet("/api/photos", async (ClaimsPrincipal user, UploadCatalog uploads, IDownloadUrlIssuer downloads, IAmazonS3 client, CancellationToken ct) =>
{
    var owner = user.FindFirstValue(ClaimTypes.NameIdentifier);
    if (owner is null)
    {
        return Problem(StatusCodes.Status401Unauthorized, "unauthenticated", "Sign in to see your photos.");
    }

    var photos = new List<object>();
    foreach (var photo in await uploads.ListAsync("photos", owner, limit: 200, ct))
    {
        var download = await downloads.CreateDownloadUrlAsync(
            new DownloadRequest { Profile = "photos", Key = photo.Key, OwnerId = owner, Inline = true, ContentType = photo.ContentType }, ct);
        // the thumbnail is written by the processor outside every upload prefix; the row is the caller's, so sign it here
        var thumbnailUrl = photo.ThumbnailKey is null ? null : client.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = s3.Bucket, Key = photo.ThumbnailKey, Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(15),
            Protocol = s3.ServiceUrl?.StartsWith("http:", StringComparison.OrdinalIgnoreCase) == true ? Protocol.HTTP : Protocol.HTTPS,
        });
        photos.Add(new { photo.Key, photo.FileName, photo.Size, photo.ContentType, photo.UploadedAt, download.Url, download.ExpiresAt, photo.Width, photo.Height, thumbnailUrl });
    }

    return Results.Ok(new { photos, eventsEnabled = SampleEvents.EventsEnabled(app.Configuration) });
});

// The newest uploads of a shared (not per-user) profile: "documents" or "large".
app.MapGet("/api/uploads/{profile}", async (string profile, IOptionsMonitor<DirectUploadOptions> options, UploadCatalog uploads, CancellationToken ct) =>
{
    if (!options.CurrentValue.Profiles.TryGetValue(profile, out var p) || p.ScopeToOwner)
    {
        return Problem(StatusCodes.Status404NotFound, "unknown_profile", "No shared upload profile has this name.");
    }

    var list = await uploads.ListAsync(profile.ToLowerInvariant(), owner: null, limit: 50, ct);
    return Results.Ok(new { uploads = list.Select(u => new { u.Key, u.FileName, u.Size, u.ContentType, u.ETag, u.UploadedAt }) });
});

// ════════════════════════════════════════════════════════════════════════════════════════════════
// 9. ⚠ BASELINE ONLY — the naive upload that direct upload replaces. Do not copy this.
//    Every byte goes browser → this app → S3: the app's bandwidth, connections, request timeouts and memory carry
//    the whole file, twice. Direct upload (sections 2 and 7) keeps the app out of the data path.
// ════════════════════════════════════════════════════════════════════════════════════════════════
var proxyMaxBytes = builder.Configuration.GetValue("Sample:ProxyUploadMaxBytes", 100 * MiB);
app.MapPost("/api/proxy-upload", async (HttpContext context, IAmazonS3 client, CancellationToken ct) =>
{
    var request = context.Request;
    if (request.ContentLength is not { } length || length <= 0)
    {
        return Problem(StatusCodes.Status411LengthRequired, "length_required", "Send the file as the request body, with a Content-Length.");
    }

    if (length > proxyMaxBytes)
    {
        return Problem(StatusCodes.Status413PayloadTooLarge, "too_large", $"The proxy baseline accepts at most {proxyMaxBytes} bytes; use direct upload.");
    }

    if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
    {
        limit.MaxRequestBodySize = proxyMaxBytes;
    }

    var fileName = Uri.UnescapeDataString(request.Headers["X-File-Name"].ToString());
    var key = $"proxy/{ObjectKeys.NewId(DateTimeOffset.UtcNow)}-{ObjectKeys.SanitizeFileName(string.IsNullOrWhiteSpace(fileName) ? "upload.bin" : fileName)}";
    var stopwatch = Stopwatch.StartNew();
    var put = new PutObjectRequest
    {
        BucketName = s3.Bucket,
        Key = key,
        InputStream = request.Body,
        AutoCloseStream = false,
        ContentType = string.IsNullOrEmpty(request.ContentType) ? "application/octet-stream" : request.ContentType,
    };
    put.Headers.ContentLength = length;
    await client.PutObjectAsync(put, ct);
    return Results.Ok(new { key, size = length, elapsedMs = stopwatch.ElapsedMilliseconds, via = "app (proxy baseline)" });
});

app.Run();

static IResult Problem(int status, string code, string detail) =>
    Results.Problem(statusCode: status, detail: detail, extensions: new Dictionary<string, object?> { ["code"] = code });

static bool IsLocalUrl(string url) =>
    url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);
