using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace DirectUpload.AspNetCore.Internal;

/// <summary>An Amazon SNS HTTP(S) message, as posted to a subscribed endpoint.</summary>
internal sealed record SnsMessage(
    string Type,
    string MessageId,
    string TopicArn,
    string Message,
    string Timestamp,
    string SignatureVersion,
    string Signature,
    string SigningCertUrl,
    string? Subject,
    string? SubscribeUrl,
    string? Token)
{
    /// <summary>Parses the envelope; <see langword="null"/> when it is not an SNS message (no Type/Signature).</summary>
    public static SnsMessage? TryParse(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(nameof(Type), out _) || !root.TryGetProperty(nameof(SignatureVersion), out _))
            {
                return null;
            }

            string? Get(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            string Required(string name) => Get(name) ?? throw new FormatException($"The SNS message has no {name}.");
            return new SnsMessage(
                Required("Type"),
                Required("MessageId"),
                Required("TopicArn"),
                Required("Message"),
                Required("Timestamp"),
                Required("SignatureVersion"),
                Required("Signature"),
                Required("SigningCertURL"),
                Get("Subject"),
                Get("SubscribeURL"),
                Get("Token"));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Where SNS signing certificates come from (HTTPS in production; a generated one in tests).</summary>
internal interface ISnsCertificateSource
{
    Task<X509Certificate2> GetAsync(Uri url, CancellationToken cancellationToken);
}

/// <summary>
/// Verifies Amazon SNS message signatures as AWS documents it ("Verifying the signatures of Amazon SNS messages"):
/// the certificate URL must be HTTPS on an <c>sns.&lt;region&gt;.amazonaws.com</c> host, the string to sign is built from
/// the documented fields in their documented order, SignatureVersion 1 is SHA1withRSA and 2 is SHA256withRSA.
/// </summary>
internal sealed partial class SnsMessageVerifier
{
    private readonly ISnsCertificateSource _certificates;
    private readonly TimeProvider _time;

    public SnsMessageVerifier(ISnsCertificateSource certificates, TimeProvider time)
    {
        _certificates = certificates;
        _time = time;
    }

    /// <summary>Whether a certificate URL is one SNS would use: https, default port, an SNS host, a <c>.pem</c> path.</summary>
    public static bool IsTrustedCertificateUrl(string? url, out Uri? uri)
    {
        uri = null;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed)
            || parsed.Scheme != Uri.UriSchemeHttps
            || !parsed.IsDefaultPort
            || !string.IsNullOrEmpty(parsed.UserInfo)
            || !SnsHost().IsMatch(parsed.IdnHost)
            || !parsed.AbsolutePath.EndsWith(".pem", StringComparison.Ordinal))
        {
            return false;
        }

        uri = parsed;
        return true;
    }

    /// <summary>The string SNS signs, per message type; <see langword="null"/> for an unknown type.</summary>
    public static string? StringToSign(SnsMessage m)
    {
        var s = new StringBuilder();
        void Add(string name, string value) => s.Append(name).Append('\n').Append(value).Append('\n');
        switch (m.Type)
        {
            case "Notification":
                Add("Message", m.Message);
                Add("MessageId", m.MessageId);
                if (m.Subject is not null)
                {
                    Add("Subject", m.Subject);
                }

                Add("Timestamp", m.Timestamp);
                Add("TopicArn", m.TopicArn);
                Add("Type", m.Type);
                return s.ToString();
            case "SubscriptionConfirmation" or "UnsubscribeConfirmation":
                if (m.SubscribeUrl is null || m.Token is null)
                {
                    return null;
                }

                Add("Message", m.Message);
                Add("MessageId", m.MessageId);
                Add("SubscribeURL", m.SubscribeUrl);
                Add("Timestamp", m.Timestamp);
                Add("Token", m.Token);
                Add("TopicArn", m.TopicArn);
                Add("Type", m.Type);
                return s.ToString();
            default:
                return null;
        }
    }

    /// <summary>Verifies a message; the reason it fails, or <see langword="null"/> when it is authentic and fresh.</summary>
    public async Task<string?> VerifyAsync(SnsMessage message, TimeSpan maxAge, CancellationToken cancellationToken)
    {
        var algorithm = message.SignatureVersion switch
        {
            "1" => HashAlgorithmName.SHA1,
            "2" => HashAlgorithmName.SHA256,
            _ => default,
        };
        if (algorithm == default)
        {
            return "unknown SignatureVersion";
        }

        if (!IsTrustedCertificateUrl(message.SigningCertUrl, out var certificateUrl))
        {
            return "the SigningCertURL is not an HTTPS Amazon SNS URL";
        }

        var toSign = StringToSign(message);
        if (toSign is null)
        {
            return "unknown message type";
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(message.Signature);
        }
        catch (FormatException)
        {
            return "the signature is not base64";
        }

        if (!DateTimeOffset.TryParse(message.Timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var timestamp))
        {
            return "the Timestamp is malformed";
        }

        var now = _time.GetUtcNow();
        if (timestamp > now + TimeSpan.FromMinutes(5) || now - timestamp > maxAge)
        {
            return "the message is too old (or from the future)";
        }

        using var certificate = await _certificates.GetAsync(certificateUrl!, cancellationToken).ConfigureAwait(false);
        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is null)
        {
            return "the certificate has no RSA key";
        }

        var valid = rsa.VerifyData(Encoding.UTF8.GetBytes(toSign), signature, algorithm, RSASignaturePadding.Pkcs1);
        return valid ? null : "the signature does not match";
    }

    [GeneratedRegex(@"^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$", RegexOptions.CultureInvariant)]
    private static partial Regex SnsHost();
}

/// <summary>Fetches SNS signing certificates over HTTPS (nothing else), caching them by URL.</summary>
internal sealed class HttpsSnsCertificateSource : ISnsCertificateSource
{
    private const int MaxCertificateBytes = 64 * 1024;
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<Uri, byte[]> _cache = new();

    public HttpsSnsCertificateSource(HttpClient http) => _http = http;

    public async Task<X509Certificate2> GetAsync(Uri url, CancellationToken cancellationToken)
    {
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException("SNS certificates are fetched over HTTPS only.");
        }

        if (!_cache.TryGetValue(url, out var der))
        {
            using var response = await _http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            if (response.Content.Headers.ContentLength > MaxCertificateBytes)
            {
                throw new InvalidOperationException("The SNS certificate is too large.");
            }

            var pem = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (pem.Length > MaxCertificateBytes)
            {
                throw new InvalidOperationException("The SNS certificate is too large.");
            }

            using var parsed = X509Certificate2.CreateFromPem(pem);
            der = parsed.RawData;
            _cache[url] = der;
        }

        return X509CertificateLoader.LoadCertificate(der);
    }
}
