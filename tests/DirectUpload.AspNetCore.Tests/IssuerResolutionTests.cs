using System.Collections.Concurrent;
using Amazon.S3;
using DirectUpload.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace DirectUpload.AspNetCore.Tests;

/// <summary>
/// Where the grant route takes its <see cref="IUploadPolicyIssuer"/> from: the application's services when the last
/// registration is a singleton (no request scope is created for an open profile), each request's scope otherwise.
/// A host of its own, with no authentication middleware (which would create the scope itself).
/// </summary>
public sealed class IssuerResolutionTests
{
    [Fact]
    public async Task GrantRoute_DefaultIssuerAndOpenProfile_CreatesNoRequestScope()
    {
        await using var host = await ScopeCountingHost.StartAsync(_ => { });

        for (var i = 0; i < 3; i++)
        {
            var response = await host.Client.PostJsonAsync("/uploads/docs", Http.Grant("a.pdf", "application/pdf"));
            (await response.ShouldBeJsonAsync()).GetProperty("method").GetString().Should().Be("POST");
        }

        host.ScopesCreated.Should().Be(0, "the registry and the singleton issuer come from the application's services");
    }

    [Fact]
    public async Task GrantRoute_HostRegistersAScopedIssuer_ResolvesItFromEachRequestsScope()
    {
        var created = new ConcurrentBag<ScopedIssuer>();
        await using var host = await ScopeCountingHost.StartAsync(services =>
        {
            services.AddSingleton(created);
            services.Replace(ServiceDescriptor.Scoped<IUploadPolicyIssuer, ScopedIssuer>());
        });

        for (var i = 0; i < 3; i++)
        {
            var response = await host.Client.PostJsonAsync("/uploads/docs", Http.Grant("a.pdf", "application/pdf"));
            (await response.ShouldBeJsonAsync()).GetProperty("key").GetString().Should().StartWith("docs/");
        }

        host.ScopesCreated.Should().Be(3);
        created.Should().HaveCount(3).And.OnlyHaveUniqueItems();
        created.Should().OnlyContain(issuer => issuer.Calls == 1);
    }

    [Fact]
    public async Task GrantRoute_HostRegistersASingletonIssuerAfterAddDirectUploads_UsesThatInstanceWithoutAScope()
    {
        await using var host = await ScopeCountingHost.StartAsync(services =>
            services.AddSingleton<IUploadPolicyIssuer>(sp => new CountingIssuer(sp.GetRequiredKeyedService<IUploadPolicyIssuer>(UploadMethod.Post))));

        for (var i = 0; i < 2; i++)
        {
            var response = await host.Client.PostJsonAsync("/uploads/docs", Http.Grant("a.pdf", "application/pdf"));
            await response.ShouldBeJsonAsync();
        }

        ((CountingIssuer)host.Services.GetRequiredService<IUploadPolicyIssuer>()).Calls.Should().Be(2);
        host.ScopesCreated.Should().Be(0);
    }

    [Fact]
    public void MapDirectUploads_WithoutAddDirectUploads_ThrowsAndNamesTheMissingCall()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        using var app = builder.Build();

        var map = () => app.MapDirectUploads("/uploads");

        map.Should().Throw<InvalidOperationException>().WithMessage("*AddDirectUploads*");
        ((Action)(() => app.MapUppyCompanion("/uppy", "docs"))).Should().Throw<InvalidOperationException>().WithMessage("*AddDirectUploads*");
    }

    /// <summary>A scoped issuer that records each instance the container creates and delegates to DirectUpload's POST issuer.</summary>
    private sealed class ScopedIssuer : IUploadPolicyIssuer
    {
        private readonly IUploadPolicyIssuer _inner;

        public ScopedIssuer(ConcurrentBag<ScopedIssuer> created, [FromKeyedServices(UploadMethod.Post)] IUploadPolicyIssuer inner)
        {
            _inner = inner;
            created.Add(this);
        }

        public int Calls { get; private set; }

        public ValueTask<UploadGrant> IssueAsync(UploadRequest request, CancellationToken cancellationToken = default)
        {
            Calls++;
            return _inner.IssueAsync(request, cancellationToken);
        }
    }

    private sealed class CountingIssuer(IUploadPolicyIssuer inner) : IUploadPolicyIssuer
    {
        private int _calls;

        public int Calls => _calls;

        public ValueTask<UploadGrant> IssueAsync(UploadRequest request, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _calls);
            return inner.IssueAsync(request, cancellationToken);
        }
    }

    /// <summary>
    /// A minimal host whose requests create their scopes through a counting factory (set on each request's
    /// <see cref="DefaultHttpContext"/> before anything reads <see cref="HttpContext.RequestServices"/>).
    /// </summary>
    private sealed class ScopeCountingHost : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly CountingScopeFactory _scopes;

        private ScopeCountingHost(WebApplication app, CountingScopeFactory scopes)
        {
            _app = app;
            _scopes = scopes;
            Client = app.GetTestClient();
        }

        public HttpClient Client { get; }

        public IServiceProvider Services => _app.Services;

        public int ScopesCreated => _scopes.Created;

        public static async Task<ScopeCountingHost> StartAsync(Action<IServiceCollection> configure)
        {
            var builder = WebApplication.CreateBuilder();
            builder.WebHost.UseTestServer();
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton<IAmazonS3>(new AmazonS3Client(
                new CountingCredentials(DirectUploadApp.AccessKey, DirectUploadApp.SecretKey),
                new AmazonS3Config { ServiceURL = DirectUploadApp.ServiceUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1" }));
            builder.Services
                .AddDirectUploads(o =>
                {
                    o.BucketName = DirectUploadApp.Bucket;
                    o.TokenSigningKey = DirectUploadApp.TokenKey;
                })
                .AddS3PresignedPost("docs", p =>
                {
                    p.KeyPrefix = "docs/";
                    p.AllowedContentTypes.Add("application/pdf");
                });
            configure(builder.Services);

            var app = builder.Build();
            var scopes = new CountingScopeFactory(app.Services.GetRequiredService<IServiceScopeFactory>());
            app.Use((context, next) =>
            {
                ((DefaultHttpContext)context).ServiceScopeFactory = scopes;
                return next(context);
            });
            app.MapDirectUploads("/uploads");
            await app.StartAsync();
            return new ScopeCountingHost(app, scopes);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _app.DisposeAsync();
        }
    }

    private sealed class CountingScopeFactory(IServiceScopeFactory inner) : IServiceScopeFactory
    {
        private int _created;

        public int Created => Volatile.Read(ref _created);

        public IServiceScope CreateScope()
        {
            Interlocked.Increment(ref _created);
            return inner.CreateScope();
        }
    }
}
