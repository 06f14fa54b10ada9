using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DirectUpload.AspNetCore.Internal;

/// <summary>
/// The handler behind <c>MapDirectUploadEvents</c>: authenticates the push (shared secret, constant time), bounds the
/// body, unwraps and verifies SNS envelopes, and hands the notification to <see cref="IS3EventDispatcher"/>. It answers
/// 2xx only once every record is durably handled, 5xx when the store must deliver it again.
/// </summary>
internal sealed class EventEndpoint
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client used for SNS certificates and subscription confirmation.</summary>
    public const string SnsHttpClientName = "DirectUpload.Sns";
    public const string SecretHeader = "X-DirectUpload-Secret";

    private static readonly HttpClient SharedHttp = new(new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        Timeout = TimeSpan.FromSeconds(10),
    };

    private readonly DirectUploadEventEndpointOptions _options;
    private readonly byte[] _secretHash;
    private readonly HashSet<string> _topics;
    private HttpsSnsCertificateSource? _certificates;

    public EventEndpoint(DirectUploadEventEndpointOptions options)
    {
        if (options.Secret is not { Length: >= 16 } secret)
        {
            throw new InvalidOperationException("DirectUploadEventEndpointOptions.Secret must be set to at least 16 characters (a random value the store sends in the push URL).");
        }

        if (options.MaxBodyBytes is < 1024 or > 64 * 1024 * 1024)
        {
            throw new InvalidOperationException("DirectUploadEventEndpointOptions.MaxBodyBytes must be between 1 KiB and 64 MiB.");
        }

        _options = options;
        _secretHash = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        _topics = new HashSet<string>(options.SnsTopicArns, StringComparer.Ordinal);
    }

    public async Task<IResult> HandleAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var logger = context.RequestServices.GetService<ILoggerFactory>()?.CreateLogger(EndpointLog.Category);
        if (!IsAuthenticated(context.Request))
        {
            if (logger is not null)
            {
                EndpointLog.EventRefused(logger, "invalid_event_secret");
            }

            return Problems.Create(StatusCodes.Status401Unauthorized, "invalid_event_secret", "The push did not present the event endpoint's secret.");
        }

        string body;
        try
        {
            body = await ReadBodyAsync(context.Request, _options.MaxBodyBytes, ct).ConfigureAwait(false);
        }
        catch (BadRequestBodyException e)
        {
            return Problems.Create(e.Status, e.Code, e.Message);
        }

        var json = body;
        if (context.Request.Headers.ContainsKey("x-amz-sns-message-type") || LooksLikeSns(body))
        {
            var sns = SnsMessage.TryParse(body);
            if (sns is null)
            {
                return Problems.Create(StatusCodes.Status400BadRequest, "invalid_event", "The body is not a well-formed SNS message.");
            }

            if (!_topics.Contains(sns.TopicArn))
            {
                if (logger is not null)
                {
                    EndpointLog.EventRefused(logger, "sns_topic_not_allowed");
                }

                return Problems.Create(StatusCodes.Status403Forbidden, "sns_topic_not_allowed", "Messages of this SNS topic are not accepted.");
            }

            var verifier = new SnsMessageVerifier(CertificateSource(context.RequestServices), context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System);
            string? problem;
            try
            {
                problem = await verifier.VerifyAsync(sns, _options.MaxSnsMessageAge, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or CryptographicException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // the certificate could not be fetched or read: SNS retries
                if (logger is not null)
                {
                    EndpointLog.EventRetry(logger, e.GetType().Name, e);
                }

                return Problems.Create(StatusCodes.Status503ServiceUnavailable, "event_retry", "The SNS signing certificate could not be fetched; deliver again.");
            }

            if (problem is not null)
            {
                if (logger is not null)
                {
                    EndpointLog.EventRefused(logger, "invalid_sns_signature");
                }

                return Problems.Create(StatusCodes.Status401Unauthorized, "invalid_sns_signature", $"The SNS message was refused: {problem}.");
            }

            switch (sns.Type)
            {
                case "SubscriptionConfirmation":
                    return await ConfirmSubscriptionAsync(context, sns, logger, ct).ConfigureAwait(false);
                case "UnsubscribeConfirmation":
                    return Results.Ok(new EventsHandledResponse(0));
                default:
                    json = sns.Message;
                    break;
            }
        }

        try
        {
            var dispatcher = context.RequestServices.GetRequiredService<IS3EventDispatcher>();
            var handled = await dispatcher.DispatchAsync(json, ct).ConfigureAwait(false);
            return Results.Ok(new EventsHandledResponse(handled));
        }
        catch (FormatException e)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "invalid_event", e.Message);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            if (logger is not null)
            {
                EndpointLog.EventRetry(logger, e.GetType().Name, e);
            }

            // no detail for the caller: it is the store, and it only needs to know to deliver again
            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "event_retry", "The event could not be handled now; deliver it again.");
        }
    }

    private static bool LooksLikeSns(string body) =>
        body.Contains("\"SignatureVersion\"", StringComparison.Ordinal) && body.Contains("\"TopicArn\"", StringComparison.Ordinal);

    private static HttpClient Http(IServiceProvider services) =>
        services.GetService<IHttpClientFactory>()?.CreateClient(SnsHttpClientName) ?? SharedHttp;

    private static async Task<string> ReadBodyAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength > limit)
        {
            throw new BadRequestBodyException(StatusCodes.Status413PayloadTooLarge, "request_too_large", $"The event body is larger than {limit} bytes.");
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new BadRequestBodyException(StatusCodes.Status413PayloadTooLarge, "request_too_large", $"The event body is larger than {limit} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        try
        {
            return new UTF8Encoding(false, true).GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (DecoderFallbackException e)
        {
            throw new BadRequestBodyException("The event body is not UTF-8.", e);
        }
    }

    private ISnsCertificateSource CertificateSource(IServiceProvider services) =>
        services.GetService<ISnsCertificateSource>() ?? (_certificates ??= new HttpsSnsCertificateSource(Http(services)));

    private bool IsAuthenticated(HttpRequest request)
    {
        string? presented = request.Query.TryGetValue("secret", out var q) && q.Count == 1 ? q[0]
            : request.Headers.TryGetValue(SecretHeader, out var h) && h.Count == 1 ? h[0]
            : null;
        if (string.IsNullOrEmpty(presented) || presented.Length > 1024)
        {
            return false;
        }

        // hashes of equal length, compared in constant time: neither the secret's content nor its length leaks
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _secretHash);
    }

    private async Task<IResult> ConfirmSubscriptionAsync(HttpContext context, SnsMessage sns, ILogger? logger, CancellationToken ct)
    {
        if (!_options.ConfirmSnsSubscriptions)
        {
            return Results.Ok(new EventsHandledResponse(0));
        }

        // the URL is part of the verified message, and must still be an SNS HTTPS URL
        if (!Uri.TryCreate(sns.SubscribeUrl, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps
            || !SnsMessageVerifier.IsTrustedCertificateUrl($"https://{url.IdnHost}/x.pem", out _) || !url.IsDefaultPort)
        {
            return Problems.Create(StatusCodes.Status400BadRequest, "invalid_event", "The SubscribeURL is not an HTTPS Amazon SNS URL.");
        }

        try
        {
            using var response = await Http(context.RequestServices).GetAsync(url, ct).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
        }
        catch (HttpRequestException e)
        {
            if (logger is not null)
            {
                EndpointLog.EventRetry(logger, e.GetType().Name, e);
            }

            return Problems.Create(StatusCodes.Status503ServiceUnavailable, "event_retry", "The SNS subscription could not be confirmed; deliver again.");
        }

        return Results.Ok(new EventsHandledResponse(0));
    }
}

/// <summary>The body of a 200 answer of the event endpoint.</summary>
internal sealed record EventsHandledResponse(int Handled);
