using System.Reflection;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using DirectUpload.S3.Internal;
using DirectUpload.Tests.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace DirectUpload.Tests.S3;

public class S3ClientContextTests
{
    [Fact]
    public void ExplicitAWSCredentials_ThisAwsSdkVersion_StillHoldsTheConstructorCredentials()
    {
        // S3ClientContext reads credentials through this non-public property: pin it against the referenced AWSSDK
        var property = typeof(AmazonServiceClient).GetProperty("ExplicitAWSCredentials", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);
        var credentials = new BasicAWSCredentials(TestServices.AccessKey, TestServices.SecretKey);

        property.Should().NotBeNull();
        property!.GetValue(TestServices.CreateClient(credentials)).Should().BeSameAs(credentials);
    }

    [Fact]
    public async Task GetCredentialsAsync_ClientWithBasicCredentials_ReturnsThemWithoutToken()
    {
        var sut = CreateSut(TestServices.CreateClient());

        var credentials = await sut.GetCredentialsAsync();

        credentials.Should().Be(new SigningCredentials(TestServices.AccessKey, TestServices.SecretKey, null));
    }

    [Fact]
    public async Task GetCredentialsAsync_ClientWithSessionCredentials_ReturnsTheToken()
    {
        var sut = CreateSut(TestServices.CreateClient(new SessionAWSCredentials(TestServices.AccessKey, TestServices.SecretKey, TestServices.SessionToken)));

        var credentials = await sut.GetCredentialsAsync();

        credentials.SessionToken.Should().Be(TestServices.SessionToken);
    }

    [Fact]
    public async Task GetCredentialsAsync_EveryCall_AsksTheCredentialsAgain()
    {
        // refreshing credentials (instance roles, SSO) rotate: they must not be cached by DirectUpload
        var spy = new CountingCredentials(TestServices.AccessKey, TestServices.SecretKey);
        var sut = CreateSut(TestServices.CreateClient(spy));

        await sut.GetCredentialsAsync();
        await sut.GetCredentialsAsync();

        spy.Calls.Should().Be(2);
    }

    [Fact]
    public async Task GetCredentialsAsync_NonSdkClient_UsesConfigDefaultCredentials()
    {
        var spy = new CountingCredentials("AKIDMOCK", "mock-secret", "mock-token");
        var client = new Mock<IAmazonS3>(MockBehavior.Strict);
        client.Setup(c => c.Config).Returns(new AmazonS3Config { RegionEndpoint = RegionEndpoint.EUNorth1, DefaultAWSCredentials = spy });
        var sut = CreateSut(client.Object);

        var credentials = await sut.GetCredentialsAsync();

        credentials.Should().Be(new SigningCredentials("AKIDMOCK", "mock-secret", "mock-token"));
        sut.GetEndpoint("b1").Region.Should().Be("eu-north-1");
    }

    [Fact]
    public void SigningCredentials_ToString_HidesSecretAndToken()
    {
        var text = new SigningCredentials(TestServices.AccessKey, TestServices.SecretKey, TestServices.SessionToken).ToString();

        text.Should().NotContain(TestServices.SecretKey).And.NotContain(TestServices.SessionToken).And.Contain(TestServices.AccessKey);
    }

    [Theory]
    [InlineData("us-east-1", "bucket", "https", "s3.us-east-1.amazonaws.com", false)]
    [InlineData("eu-west-1", "bucket", "https", "s3.eu-west-1.amazonaws.com", false)]
    [InlineData("eu-west-1", "my.dotted.bucket", "https", "s3.eu-west-1.amazonaws.com", true)]
    [InlineData("cn-north-1", "bucket", "https", "s3.cn-north-1.amazonaws.com.cn", false)]
    public void GetEndpoint_RegionEndpoint_IsAwsVirtualHostedUnlessDotted(string region, string bucket, string scheme, string host, bool pathStyle)
    {
        var sut = CreateSut(TestServices.CreateClient(region: region));

        sut.GetEndpoint(bucket).Should().Be(new S3Endpoint(scheme, host, -1, pathStyle, region));
    }

    [Fact]
    public void GetEndpoint_RegionEndpointWithForcePathStyle_IsPathStyle()
    {
        var client = new AmazonS3Client(new BasicAWSCredentials("a", "b"), new AmazonS3Config { RegionEndpoint = RegionEndpoint.APSoutheast2, ForcePathStyle = true });

        CreateSut(client).GetEndpoint("bucket").Should().Be(new S3Endpoint("https", "s3.ap-southeast-2.amazonaws.com", -1, true, "ap-southeast-2"));
    }

    [Theory]
    [InlineData("http://127.0.0.1:7480", "http", "127.0.0.1", 7480, "")]
    [InlineData("http://localhost:9000/", "http", "localhost", 9000, "")]
    [InlineData("https://minio.example.test", "https", "minio.example.test", -1, "")]
    [InlineData("https://gateway.example.test:8443/s3/", "https", "gateway.example.test", 8443, "/s3")]
    [InlineData("http://rgw.example.test:80", "http", "rgw.example.test", -1, "")]
    public void GetEndpoint_ServiceUrl_KeepsSchemePortAndBasePath(string serviceUrl, string scheme, string host, int port, string basePath)
    {
        var client = new AmazonS3Client(new BasicAWSCredentials("a", "b"), new AmazonS3Config { ServiceURL = serviceUrl, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });

        CreateSut(client).GetEndpoint("bucket").Should().Be(new S3Endpoint(scheme, host, port, true, "us-east-1", basePath));
    }

    [Fact]
    public void GetEndpoint_ServiceUrlWithAuthenticationRegion_SignsForThatRegion()
    {
        var client = new AmazonS3Client(new BasicAWSCredentials("a", "b"), new AmazonS3Config { ServiceURL = "http://127.0.0.1:7480", ForcePathStyle = true, AuthenticationRegion = "default-placement" });

        CreateSut(client).GetEndpoint("bucket").Region.Should().Be("default-placement");
    }

    [Fact]
    public void Client_KeyedRegistration_ResolvesTheKeyedClient()
    {
        var unkeyed = TestServices.CreateClient();
        var keyed = TestServices.CreateClient(region: "eu-west-1");
        var services = new ServiceCollection().AddSingleton<IAmazonS3>(unkeyed).AddKeyedSingleton<IAmazonS3>("uploads", keyed).BuildServiceProvider();

        var sut = new S3ClientContext(services, new TestOptionsMonitor<DirectUploadOptions>(new DirectUploadOptions { S3ClientServiceKey = "uploads" }));

        sut.Client.Should().BeSameAs(keyed);
        sut.RequiredClient.Should().BeSameAs(keyed);
    }

    [Fact]
    public void RequiredClient_NoneRegistered_ThrowsNamingTheRegistration()
    {
        var sut = new S3ClientContext(new ServiceCollection().BuildServiceProvider(), new TestOptionsMonitor<DirectUploadOptions>(new DirectUploadOptions()));

        sut.Client.Should().BeNull();
        var act = () => sut.RequiredClient;
        act.Should().Throw<InvalidOperationException>().WithMessage("*IAmazonS3*");
    }

    [Fact]
    public async Task GetUploadCredentialsAsync_NoUploadSigningKey_UsesTheMainClient()
    {
        var sut = CreateSut(TestServices.CreateClient());

        (await sut.GetUploadCredentialsAsync()).Should().Be(await sut.GetCredentialsAsync());
    }

    [Fact]
    public async Task GetUploadCredentialsAsync_UploadSigningKey_UsesTheKeyedClientsCredentialsAndLeavesTheMainOnes()
    {
        var writer = TestServices.CreateClient(new BasicAWSCredentials("WRITEONLYKEY", "write-only-secret"));
        var services = new ServiceCollection()
            .AddSingleton<IAmazonS3>(TestServices.CreateClient())
            .AddKeyedSingleton<IAmazonS3>("upload-signing", writer)
            .BuildServiceProvider();
        var sut = new S3ClientContext(services, new TestOptionsMonitor<DirectUploadOptions>(new DirectUploadOptions { UploadSigningClientServiceKey = "upload-signing" }));

        (await sut.GetUploadCredentialsAsync()).Should().Be(new SigningCredentials("WRITEONLYKEY", "write-only-secret", null));
        (await sut.GetCredentialsAsync()).AccessKeyId.Should().Be(TestServices.AccessKey, "downloads and host calls keep the main identity");
    }

    [Fact]
    public async Task GetUploadCredentialsAsync_KeyedClientMissing_ThrowsNamingTheKey()
    {
        var services = new ServiceCollection().AddSingleton<IAmazonS3>(TestServices.CreateClient()).BuildServiceProvider();
        var sut = new S3ClientContext(services, new TestOptionsMonitor<DirectUploadOptions>(new DirectUploadOptions { UploadSigningClientServiceKey = "upload-signing" }));

        var act = async () => await sut.GetUploadCredentialsAsync();

        (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*'upload-signing'*UploadSigningClientServiceKey*");
    }

    [Fact]
    public async Task GetUploadCredentialsAsync_KeyedClientWithoutOwnCredentials_ThrowsInsteadOfFallingBackToTheDefaultChain()
    {
        var anonymousConfigClient = new Mock<IAmazonS3>();
        anonymousConfigClient.SetupGet(c => c.Config).Returns(new AmazonS3Config { RegionEndpoint = RegionEndpoint.USEast1 });
        var services = new ServiceCollection()
            .AddSingleton<IAmazonS3>(TestServices.CreateClient())
            .AddKeyedSingleton<IAmazonS3>("upload-signing", anonymousConfigClient.Object)
            .BuildServiceProvider();
        var sut = new S3ClientContext(services, new TestOptionsMonitor<DirectUploadOptions>(new DirectUploadOptions { UploadSigningClientServiceKey = "upload-signing" }));

        var act = async () => await sut.GetUploadCredentialsAsync();

        (await act.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*no credentials of its own*");
    }

    private static S3ClientContext CreateSut(IAmazonS3 client) =>
        new(new ServiceCollection().AddSingleton(client).BuildServiceProvider(), new TestOptionsMonitor<DirectUploadOptions>(new DirectUploadOptions()));
}
