using Amazon.S3;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Moq;

namespace DirectUpload.AspNetCore.Tests.Infrastructure;

/// <summary>Which <see cref="IAmazonS3"/> the test host registers.</summary>
public enum S3Mode
{
    /// <summary>A real <see cref="AmazonS3Client"/> with dummy credentials: enough for every route that only signs (offline).</summary>
    RealClient,

    /// <summary>A strict <see cref="Mock{IAmazonS3}"/>, for the routes that call S3 (HEAD, multipart, delete); it can still sign.</summary>
    Mock,
}

/// <summary>
/// A minimal-hosting host (<see cref="WebApplication"/> on a <see cref="TestServer"/>) with DirectUpload, a fake
/// authentication scheme, an "uploaders" policy, a controllable clock and a recording completion hook.
/// One per test: every test gets a fresh mock, clock and log.
/// </summary>
public sealed class DirectUploadApp : WebApplicationFactory<TestHostEntry>
{
    public const string Bucket = "uploads-bucket";
    public const string ServiceUrl = "http://127.0.0.1:9000";
    public const string AccessKey = "AKIDEXAMPLE";
    public const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    public const string UploadersPolicy = "uploaders";
    public const string ApiPolicy = "api-clients";
    public const string UploaderRole = "uploader";
    public const long MiB = 1024 * 1024;

    /// <summary>The token signing key (32 bytes, base64).</summary>
    public static readonly string TokenKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)(i * 7)).ToArray());

    public static readonly DateTimeOffset Start = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    private readonly Action<DirectUploadEndpointOptions>? _endpoints;

    public DirectUploadApp(S3Mode mode = S3Mode.RealClient, Action<DirectUploadEndpointOptions>? endpoints = null)
    {
        Mode = mode;
        _endpoints = endpoints;
        S3 = new Mock<IAmazonS3>(MockBehavior.Strict);
        S3.Setup(s => s.Config).Returns(new AmazonS3Config
        {
            ServiceURL = ServiceUrl,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            DefaultAWSCredentials = Credentials,
        });
        S3.SetupLedger();
    }

    public S3Mode Mode { get; }

    /// <summary>Gets the mock at the <see cref="IAmazonS3"/> boundary; registered only in <see cref="S3Mode.Mock"/>.</summary>
    public Mock<IAmazonS3> S3 { get; }

    /// <summary>Gets the signing credentials; <see cref="CountingCredentials.Calls"/> is 0 while nothing was signed.</summary>
    public CountingCredentials Credentials { get; } = new(AccessKey, SecretKey);

    public FakeTimeProvider Clock { get; } = new(Start);

    public RecordingCompletedHandler Completed { get; } = new();

    public FakeLoggerProvider Logs { get; } = new();

    /// <summary>A client with no user signed in.</summary>
    public HttpClient Anonymous() => CreateClient();

    /// <summary>A client whose requests sign in <paramref name="user"/> with <paramref name="roles"/>.</summary>
    public HttpClient As(string user, params string[] roles)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(TestAuthHandler.UserHeader, user);
        if (roles.Length > 0)
        {
            client.DefaultRequestHeaders.Add(TestAuthHandler.RolesHeader, string.Join(',', roles));
        }

        return client;
    }

    /// <summary>Asserts that no grant was signed and that S3 was not called.</summary>
    public void ShouldHaveSignedNothingAndCalledNoS3()
    {
        Credentials.Calls.Should().Be(0, "a rejected request signs nothing");
        S3.VerifyNoOtherCalls();
    }

    /// <summary>Asserts that S3 was not called over the network (reading the client's config to sign is not a call).</summary>
    public void ShouldHaveCalledNoS3()
    {
        S3.Invocations.Where(i => i.Method.Name != "get_Config").Should().BeEmpty("no request goes to S3");
    }

    /// <summary>Forgets the S3 calls so far (e.g. the config reads of the grant a test starts from).</summary>
    public void ResetS3Calls() => S3.Invocations.Clear();

    /// <summary>
    /// WebApplicationFactory asks for a host builder first; a non-null one keeps it from looking for one through the
    /// test assembly's (generated) entry point. It is never built: <see cref="CreateHost"/> builds the app.
    /// </summary>
    protected override IHostBuilder CreateHostBuilder() => new HostBuilder();

    protected override IHost CreateHost(IHostBuilder builder)
    {
        var app = BuildApp();
        app.Start();
        return app;
    }

    /// <summary>The host, written the way an application's Program.cs would be.</summary>
    internal WebApplication BuildApp()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Testing",
            ApplicationName = typeof(TestHostEntry).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders().AddProvider(Logs).SetMinimumLevel(LogLevel.Trace);

        var services = builder.Services;
        services.AddSingleton<TimeProvider>(Clock);
        services.AddOpenApi();
        services.AddSingleton<IUploadCompletedHandler>(Completed);
        services.AddSingleton(Mode == S3Mode.Mock
            ? S3.Object
            : new AmazonS3Client(Credentials, new AmazonS3Config { ServiceURL = ServiceUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1" }));

        services.AddAuthentication(TestAuthHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.SchemeName, _ => { })
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, TestAuthHandler>(TestAuthHandler.ApiSchemeName, _ => { });
        services.AddAuthorizationBuilder()
            .AddPolicy(UploadersPolicy, p => p.RequireAuthenticatedUser().RequireRole(UploaderRole))
            .AddPolicy(ApiPolicy, p => p.AddAuthenticationSchemes(TestAuthHandler.ApiSchemeName).RequireAuthenticatedUser());

        services.AddDirectUploads(o =>
            {
                o.BucketName = Bucket;
                o.TokenSigningKey = TokenKey;
            })

            // owner-scoped single PUT, images only, 100 B – 1 MB, one client metadata key
            .AddS3PresignedPut(Profiles.Photos, p =>
            {
                p.KeyPrefix = "photos/";
                p.AllowedContentTypes.Add("image/*");
                p.MinSizeBytes = 100;
                p.MaxSizeBytes = 1_000_000;
                p.ScopeToOwner = true;
                p.AllowedMetadataKeys.Add("caption");
            })

            // anonymous POST policy; a mismatching upload is kept (not deleted)
            .AddS3PresignedPost(Profiles.Docs, p =>
            {
                p.KeyPrefix = "docs/";
                p.AllowedContentTypes.Add("application/pdf");
                p.AllowedContentTypes.Add("text/plain");
                p.AllowedContentTypes.Add("text/html");
                p.AllowedContentTypes.Add("image/*");
                p.MaxSizeBytes = 5_000_000;
                p.DeleteInvalidUploads = false;
            })

            // anonymous PUT that requires a Content-MD5
            .AddS3PresignedPut(Profiles.Checked, p =>
            {
                p.KeyPrefix = "checked/";
                p.AllowedContentTypes.Add("*/*");
                p.RequireContentMd5 = true;
            })

            // owner-scoped multipart only, 5 MiB parts
            .AddProfile(Profiles.Videos, p =>
            {
                p.Method = UploadMethod.Multipart;
                p.KeyPrefix = "videos/";
                p.AllowedContentTypes.Add("video/*");
                p.MinSizeBytes = 1;
                p.MaxSizeBytes = 100L * 1024 * MiB;
                p.PartSizeBytes = 5 * MiB;
                p.ScopeToOwner = true;
            })

            // PUT behind the "uploaders" policy
            .AddS3PresignedPut(Profiles.Staff, p =>
            {
                p.KeyPrefix = "staff/";
                p.AllowedContentTypes.Add("*/*");
                p.AuthorizationPolicy = UploadersPolicy;
            })

            // owner-scoped PUT behind a policy that names its own (non-default) authentication scheme
            .AddS3PresignedPut(Profiles.Api, p =>
            {
                p.KeyPrefix = "api/";
                p.AllowedContentTypes.Add("*/*");
                p.ScopeToOwner = true;
                p.AuthorizationPolicy = ApiPolicy;
            });

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapDirectUploads("/uploads", _endpoints);
        app.MapUppyCompanion("/uppy/videos", Profiles.Videos, o => o.SingleUploadProfile = Profiles.Docs);
        app.MapDirectUploadEvents("/uploads/events", o => o.Secret = "openapi-test-secret-0123456789");
        app.MapOpenApi(); // GET /openapi/v1.json (OpenApiDocumentTests)
        return app;
    }
}

/// <summary>The profile names of <see cref="DirectUploadApp"/>.</summary>
public static class Profiles
{
    public const string Photos = "photos";
    public const string Docs = "docs";
    public const string Checked = "checked";
    public const string Videos = "videos";
    public const string Staff = "staff";
    public const string Api = "api";
}
