using System.Reflection;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.S3;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace DirectUpload.S3.Internal;

/// <summary>
/// Finds the S3 client, endpoint and credentials: the <see cref="IAmazonS3"/> registered in DI (keyed by
/// <see cref="DirectUploadOptions.S3ClientServiceKey"/> when set), otherwise the AWS SDK's default credential chain and region.
/// </summary>
internal sealed class S3ClientContext
{
    // AmazonServiceClient keeps credentials passed to its constructor in a protected internal property; it is the only
    // place they can be read from. Pinned by a unit test against the AWSSDK version we reference.
    private static readonly PropertyInfo? ExplicitCredentialsProperty =
        typeof(AmazonServiceClient).GetProperty("ExplicitAWSCredentials", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);

    private readonly IServiceProvider _services;
    private readonly IOptionsMonitor<DirectUploadOptions> _options;
    private readonly Lazy<IAmazonS3?> _client;
    private readonly Lazy<IAmazonS3?> _uploadSigningClient;
    private AWSCredentials? _fallbackCredentials;
    private FixedCredentials? _fixedCredentials;
    private ClientCredentials? _clientCredentials;
    private ClientCredentials? _uploadClientCredentials;

    public S3ClientContext(IServiceProvider services, IOptionsMonitor<DirectUploadOptions> options)
    {
        _services = services;
        _options = options;
        _client = new Lazy<IAmazonS3?>(ResolveClient);
        _uploadSigningClient = new Lazy<IAmazonS3?>(ResolveUploadSigningClient);
    }

    /// <summary>Gets the registered client, or null when none is registered.</summary>
    public IAmazonS3? Client => _client.Value;

    /// <summary>Gets the registered client for calls that need the network (multipart, confirmation).</summary>
    public IAmazonS3 RequiredClient => _client.Value ?? throw new InvalidOperationException(
        _options.CurrentValue.S3ClientServiceKey is { } key
            ? $"No IAmazonS3 is registered under the service key '{key}' (DirectUploadOptions.S3ClientServiceKey). Register one, e.g. services.AddKeyedSingleton<IAmazonS3>(\"{key}\", ...)."
            : "No IAmazonS3 is registered. Register one, e.g. services.AddAWSService<IAmazonS3>() or services.AddSingleton<IAmazonS3>(new AmazonS3Client(...)).");

    public S3Endpoint GetEndpoint(string bucket)
    {
        var config = Client?.Config;
        if (config is null)
        {
            var region = FallbackRegionFactory.GetRegionEndpoint()?.SystemName ?? "us-east-1";
            return S3Endpoint.ForAws(region, bucket);
        }

        var forcePathStyle = config is AmazonS3Config s3Config && s3Config.ForcePathStyle;
        if (!string.IsNullOrEmpty(config.ServiceURL))
        {
            var region = config.AuthenticationRegion ?? config.RegionEndpoint?.SystemName ?? "us-east-1";
            return S3Endpoint.ForServiceUrl(new Uri(config.ServiceURL), region, forcePathStyle);
        }

        var awsRegion = config.RegionEndpoint?.SystemName ?? config.AuthenticationRegion ?? "us-east-1";
        var endpoint = S3Endpoint.ForAws(awsRegion, bucket);
        return forcePathStyle ? endpoint with { PathStyle = true } : endpoint;
    }

    /// <summary>The credentials of the main client: downloads (GET) and every call the host makes itself.</summary>
    public ValueTask<SigningCredentials> GetCredentialsAsync() => ReadCredentialsAsync(GetAwsCredentials(Client));

    /// <summary>
    /// The credentials that sign what a client writes with (PUT and POST grants, part URLs): those of the client registered
    /// under <see cref="DirectUploadOptions.UploadSigningClientServiceKey"/> when set (a write-only identity), else the main client's.
    /// </summary>
    public ValueTask<SigningCredentials> GetUploadCredentialsAsync()
    {
        var key = _options.CurrentValue.UploadSigningClientServiceKey;
        if (key is null)
        {
            return GetCredentialsAsync();
        }

        var client = _uploadSigningClient.Value ?? throw new InvalidOperationException(
            $"No IAmazonS3 is registered under the service key '{key}' (DirectUploadOptions.UploadSigningClientServiceKey). Register the write-only upload identity, e.g. services.AddKeyedSingleton<IAmazonS3>(\"{key}\", ...).");
        // no fallback to the default chain here: that would be the host's own (read/delete) identity, silently
        var own = CachedExplicitCredentialsOf(client, ref _uploadClientCredentials) ?? throw new InvalidOperationException(
            $"The IAmazonS3 registered under '{key}' (DirectUploadOptions.UploadSigningClientServiceKey) has no credentials of its own; construct it with the write-only identity's credentials.");
        return ReadCredentialsAsync(own);
    }

    private ValueTask<SigningCredentials> ReadCredentialsAsync(AWSCredentials credentials)
    {
        // keys given in code (exactly these two SDK types) never change: they are read once, not on every grant
        var type = credentials.GetType();
        if (type != typeof(BasicAWSCredentials) && type != typeof(SessionAWSCredentials))
        {
            return ReadRefreshingCredentialsAsync(credentials);
        }

        var cached = Volatile.Read(ref _fixedCredentials);
        if (cached is null || !ReferenceEquals(cached.Source, credentials))
        {
            cached = new FixedCredentials(credentials, ToSigningCredentials(credentials.GetCredentials()));
            Volatile.Write(ref _fixedCredentials, cached);
        }

        return new ValueTask<SigningCredentials>(cached.Signing);
    }

    private static async ValueTask<SigningCredentials> ReadRefreshingCredentialsAsync(AWSCredentials credentials) =>
        ToSigningCredentials(await credentials.GetCredentialsAsync().ConfigureAwait(false));

    private static SigningCredentials ToSigningCredentials(ImmutableCredentials immutable)
    {
        if (string.IsNullOrEmpty(immutable.AccessKey) || string.IsNullOrEmpty(immutable.SecretKey))
        {
            throw new InvalidOperationException("The AWS credentials resolved for DirectUpload have no access key or secret key.");
        }

        return new SigningCredentials(immutable.AccessKey, immutable.SecretKey, immutable.UseToken ? immutable.Token : null);
    }

    private static AWSCredentials? ExplicitCredentialsOf(IAmazonS3? client) =>
        client is AmazonServiceClient serviceClient && ExplicitCredentialsProperty?.GetValue(serviceClient) is AWSCredentials explicitCredentials
            ? explicitCredentials
            : client?.Config.DefaultAWSCredentials;

    /// <summary>
    /// <see cref="ExplicitCredentialsOf"/> read once per client: a client keeps the credentials it was constructed with, and
    /// reading them is a reflection call that every grant would otherwise pay.
    /// </summary>
    private static AWSCredentials? CachedExplicitCredentialsOf(IAmazonS3? client, ref ClientCredentials? cache)
    {
        var cached = Volatile.Read(ref cache);
        if (cached is null || !ReferenceEquals(cached.Client, client))
        {
            cached = new ClientCredentials(client, ExplicitCredentialsOf(client));
            Volatile.Write(ref cache, cached);
        }

        return cached.Credentials;
    }

    private AWSCredentials GetAwsCredentials(IAmazonS3? client)
    {
        if (CachedExplicitCredentialsOf(client, ref _clientCredentials) is { } own)
        {
            return own;
        }

        return _fallbackCredentials ??= DefaultAWSCredentialsIdentityResolver.GetCredentials(client?.Config as ClientConfig);
    }

    private IAmazonS3? ResolveUploadSigningClient() =>
        _options.CurrentValue.UploadSigningClientServiceKey is { } key ? (_services as IKeyedServiceProvider)?.GetKeyedService<IAmazonS3>(key) : null;

    private IAmazonS3? ResolveClient()
    {
        var key = _options.CurrentValue.S3ClientServiceKey;
        return key is null
            ? _services.GetService<IAmazonS3>()
            : (_services as IKeyedServiceProvider)?.GetKeyedService<IAmazonS3>(key);
    }

    private sealed record FixedCredentials(AWSCredentials Source, SigningCredentials Signing);

    private sealed record ClientCredentials(IAmazonS3? Client, AWSCredentials? Credentials);
}
