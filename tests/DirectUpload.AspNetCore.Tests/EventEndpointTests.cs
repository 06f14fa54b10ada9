using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using DirectUpload.AspNetCore.Internal;
using FluentAssertions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Xunit;

namespace DirectUpload.AspNetCore.Tests;

/// <summary>
/// <c>MapDirectUploadEvents</c>: the push is authenticated by the secret (constant time), the body is bounded, SNS envelopes
/// are verified with a certificate generated here, and the answer is 2xx only when the dispatcher returned.
/// </summary>
public sealed class EventEndpointTests : IAsyncLifetime, IDisposable
{
    private const string Secret = "s3cr3t-0123456789-abcdef";
    private const string TopicArn = "arn:aws:sns:eu-west-1:111122223333:uploads";
    private const string CertUrl = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789.pem";
    private const string RgwBody = "{\"Records\":[{\"eventVersion\":\"2.2\",\"eventSource\":\"ceph:s3\",\"eventName\":\"ObjectCreated:Put\",\"s3\":{\"bucket\":{\"name\":\"b\"},\"object\":{\"key\":\"k\",\"size\":1}}}]}";
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
    private readonly RSA _key = RSA.Create(2048);
    private readonly X509Certificate2 _certificate;
    private readonly RecordingDispatcher _dispatcher = new();
    private WebApplication? _app;
    private HttpClient? _client;

    public EventEndpointTests()
    {
        var request = new CertificateRequest("CN=sns.amazonaws.com", _key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        _certificate = request.CreateSelfSigned(Now.AddDays(-1), Now.AddDays(30));
    }

    private HttpClient Client => _client!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IS3EventDispatcher>(_dispatcher);
        builder.Services.AddSingleton<ISnsCertificateSource>(new FixedCertificate(_certificate));
        builder.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        _app = builder.Build();
        _app.MapDirectUploadEvents("/uploads/events", o =>
        {
            o.Secret = Secret;
            o.MaxBodyBytes = 4096;
            o.SnsTopicArns.Add(TopicArn);
            o.ConfirmSnsSubscriptions = false;
        });
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    public void Dispose()
    {
        _key.Dispose();
        _certificate.Dispose();
    }

    [Fact]
    public async Task PushWithTheSecretInTheQuery_IsDispatchedAndAnswered200()
    {
        var response = await PostAsync($"/uploads/events?secret={Secret}", RgwBody);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).Should().Be("{\"handled\":1}");
        _dispatcher.Bodies.Should().Equal(RgwBody);
    }

    [Fact]
    public async Task PushWithTheSecretInTheHeader_IsDispatched()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/uploads/events") { Content = new StringContent(RgwBody, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-DirectUpload-Secret", Secret);

        var response = await Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _dispatcher.Bodies.Should().HaveCount(1);
    }

    [Theory]
    [InlineData("/uploads/events")]
    [InlineData("/uploads/events?secret=")]
    [InlineData("/uploads/events?secret=s3cr3t-0123456789-abcdeF")]
    [InlineData("/uploads/events?secret=s3cr3t-0123456789-abcdef-")]
    [InlineData("/uploads/events?secret=s3cr3t-0123456789-abcdef&secret=s3cr3t-0123456789-abcdef")]
    public async Task ForgedOrUnsignedPush_IsRefused401AndNothingIsDispatched(string url)
    {
        var response = await PostAsync(url, RgwBody);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).Should().Contain("\"code\":\"invalid_event_secret\"").And.NotContain(Secret);
        _dispatcher.Bodies.Should().BeEmpty();
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413AndNotDispatched()
    {
        var response = await PostAsync($"/uploads/events?secret={Secret}", new string(' ', 5000) + RgwBody);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        _dispatcher.Bodies.Should().BeEmpty();
    }

    [Fact]
    public async Task DispatcherFailure_Is503EventRetryWithoutDetails()
    {
        _dispatcher.Throw = new InvalidOperationException("database password is hunter2");

        var response = await PostAsync($"/uploads/events?secret={Secret}", RgwBody);

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var body = await response.Content.ReadAsStringAsync();
        body.Should().Contain("\"code\":\"event_retry\"").And.NotContain("hunter2");
    }

    [Fact]
    public async Task MalformedNotification_Is400InvalidEvent()
    {
        _dispatcher.Throw = new FormatException("no Records");

        var response = await PostAsync($"/uploads/events?secret={Secret}", "{}");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("\"code\":\"invalid_event\"");
    }

    [Theory]
    [InlineData("1")]
    [InlineData("2")]
    public async Task SignedSnsNotification_IsUnwrappedAndDispatched(string version)
    {
        var response = await PostAsync($"/uploads/events?secret={Secret}", Sns(version));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _dispatcher.Bodies.Should().Equal(RgwBody);
    }

    [Fact]
    public async Task SnsNotificationWithATamperedMessage_IsRefused()
    {
        var envelope = Sns("2").Replace("ObjectCreated:Put", "ObjectCreated:Pux", StringComparison.Ordinal);

        var response = await PostAsync($"/uploads/events?secret={Secret}", envelope);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).Should().Contain("invalid_sns_signature");
        _dispatcher.Bodies.Should().BeEmpty();
    }

    [Fact]
    public async Task SnsNotificationSignedByAnotherKey_IsRefused()
    {
        using var other = RSA.Create(2048);

        var response = await PostAsync($"/uploads/events?secret={Secret}", Sns("2", signer: other));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        _dispatcher.Bodies.Should().BeEmpty();
    }

    [Fact]
    public async Task SnsNotificationOfAnotherTopic_Is403()
    {
        var response = await PostAsync($"/uploads/events?secret={Secret}", Sns("2", topic: "arn:aws:sns:eu-west-1:999999999999:evil"));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        _dispatcher.Bodies.Should().BeEmpty();
    }

    [Theory]
    [InlineData("http://sns.eu-west-1.amazonaws.com/cert.pem")]
    [InlineData("https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem")]
    [InlineData("https://evil.example/sns.eu-west-1.amazonaws.com/cert.pem")]
    [InlineData("https://sns.eu-west-1.amazonaws.com:8443/cert.pem")]
    [InlineData("https://user@sns.eu-west-1.amazonaws.com/cert.pem")]
    [InlineData("https://s3.eu-west-1.amazonaws.com/cert.pem")]
    [InlineData("https://sns.eu-west-1.amazonaws.com/cert.txt")]
    [InlineData("file:///etc/passwd")]
    public async Task SnsNotificationWhoseCertificateUrlIsNotAnSnsHttpsUrl_IsRefused(string certUrl)
    {
        SnsMessageVerifier.IsTrustedCertificateUrl(certUrl, out _).Should().BeFalse();

        var response = await PostAsync($"/uploads/events?secret={Secret}", Sns("2", certUrl: certUrl));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        _dispatcher.Bodies.Should().BeEmpty();
    }

    [Fact]
    public async Task SnsNotificationOlderThanTheMaxAge_IsRefusedAsAReplay()
    {
        var response = await PostAsync($"/uploads/events?secret={Secret}", Sns("2", timestamp: Now.AddHours(-2)));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        _dispatcher.Bodies.Should().BeEmpty();
    }

    [Fact]
    public async Task SignedSubscriptionConfirmation_IsAcceptedWithoutDispatch()
    {
        var response = await PostAsync($"/uploads/events?secret={Secret}", Sns("2", type: "SubscriptionConfirmation"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        _dispatcher.Bodies.Should().BeEmpty();
    }

    [Fact]
    public void MappingWithoutASecret_Throws()
    {
        var builder = WebApplication.CreateBuilder();
        using var app = builder.Build();

        var act = () => app.MapDirectUploadEvents("/events", o => o.Secret = "short");

        act.Should().Throw<InvalidOperationException>().WithMessage("*Secret*");
    }

    [Fact]
    public void StringToSignNotification_FollowsTheDocumentedFieldOrder()
    {
        var message = new SnsMessage("Notification", "id-1", TopicArn, "body", "2026-11-21T12:00:00.000Z", "2", "sig", CertUrl, "subj", null, null);

        SnsMessageVerifier.StringToSign(message).Should().Be(
            "Message\nbody\nMessageId\nid-1\nSubject\nsubj\nTimestamp\n2026-11-21T12:00:00.000Z\nTopicArn\n" + TopicArn + "\nType\nNotification\n");
    }

    private Task<HttpResponseMessage> PostAsync(string url, string body) =>
        Client.PostAsync(url, new StringContent(body, Encoding.UTF8, "application/json"));

    private string Sns(string version, RSA? signer = null, string topic = TopicArn, string certUrl = CertUrl, DateTimeOffset? timestamp = null, string type = "Notification")
    {
        var ts = (timestamp ?? Now).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture);
        var subscribe = type == "Notification" ? null : "https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + topic + "&Token=tok";
        var message = new SnsMessage(type, "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324", topic, type == "Notification" ? RgwBody : "You have chosen to subscribe", ts, version, string.Empty, certUrl, null, subscribe, type == "Notification" ? null : "tok");
        var toSign = SnsMessageVerifier.StringToSign(message)!;
        var signature = (signer ?? _key).SignData(Encoding.UTF8.GetBytes(toSign), version == "1" ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var envelope = new Dictionary<string, string?>
        {
            ["Type"] = message.Type,
            ["MessageId"] = message.MessageId,
            ["Token"] = message.Token,
            ["TopicArn"] = message.TopicArn,
            ["Message"] = message.Message,
            ["SubscribeURL"] = message.SubscribeUrl,
            ["Timestamp"] = message.Timestamp,
            ["SignatureVersion"] = version,
            ["Signature"] = Convert.ToBase64String(signature),
            ["SigningCertURL"] = certUrl,
        };
        return JsonSerializer.Serialize(envelope.Where(e => e.Value is not null).ToDictionary());
    }

    private sealed class RecordingDispatcher : IS3EventDispatcher
    {
        public List<string> Bodies { get; } = [];

        public Exception? Throw { get; set; }

        public Task<int> DispatchAsync(string json, CancellationToken cancellationToken = default)
        {
            if (Throw is not null)
            {
                throw Throw;
            }

            Bodies.Add(json);
            return Task.FromResult(1);
        }
    }

    private sealed class FixedCertificate(X509Certificate2 certificate) : ISnsCertificateSource
    {
        public Task<X509Certificate2> GetAsync(Uri url, CancellationToken cancellationToken) =>
            Task.FromResult(X509CertificateLoader.LoadCertificate(certificate.RawData));
    }
}
