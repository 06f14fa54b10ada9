using System.Net;
using System.Net.Sockets;
using System.Text;
using DirectUpload.Client.Tests.TestUtilities;

namespace DirectUpload.Client.Tests;

/// <summary>What reaches a real socket: the default (internal) storage client, no fake handler in between.</summary>
public class WireTests
{
    [Fact]
    public async Task SendAsync_PutGrant_ReachesTheWireWithTheUrlUnchangedAndNoHostAuthorization()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        const string pathAndQuery = "/bucket/a%20b%2Bc%C3%A9%7E%2F%28x%29.txt?X-Amz-Credential=AK%2F2025%2Fus&X-Amz-Signature=ab%2Bcd";
        var grant = new UploadGrant
        {
            Method = "PUT",
            Url = $"http://127.0.0.1:{port}{pathAndQuery}",
            Headers = new Dictionary<string, string>
            {
                ["Content-Type"] = "text/plain",
                ["Content-Length"] = "5",
                ["x-amz-meta-k"] = "v",
                // issue 8: single-use, canned ACL and the sealed (signed empty) headers must reach the store as granted
                ["If-None-Match"] = "*",
                ["x-amz-acl"] = "bucket-owner-full-control",
                ["x-amz-tagging"] = string.Empty,
                ["x-amz-website-redirect-location"] = string.Empty,
            },
            Key = "a b+cé~/(x).txt",
            Token = "t",
        };
        var api = new FakeUploadServer().CreateApiClient(); // authenticated host client: must not matter to storage
        var client = new DirectUploadClient(api);
        var server = ServeOnceAsync(listener);

        await client.SendAsync(grant, new MemoryStream("hello"u8.ToArray()));

        var (head, body) = await server;
        var lines = head.Split("\r\n");
        lines[0].Should().Be($"PUT {pathAndQuery} HTTP/1.1");
        lines.Should().Contain("Content-Type: text/plain").And.Contain("Content-Length: 5").And.Contain("x-amz-meta-k: v");
        lines.Should().Contain("If-None-Match: *").And.Contain("x-amz-acl: bucket-owner-full-control");
        lines.Should().Contain(l => l.TrimEnd() == "x-amz-tagging:").And.Contain(l => l.TrimEnd() == "x-amz-website-redirect-location:");
        lines.Should().NotContain(l => l.StartsWith("Authorization", StringComparison.OrdinalIgnoreCase));
        lines.Should().NotContain(l => l.StartsWith("Transfer-Encoding", StringComparison.OrdinalIgnoreCase));
        body.Should().Be("hello");
    }

    private static async Task<(string Head, string Body)> ServeOnceAsync(TcpListener listener)
    {
        using var socket = await listener.AcceptTcpClientAsync();
        var stream = socket.GetStream();
        var received = new List<byte>();
        var buffer = new byte[4096];
        int headEnd;
        while ((headEnd = IndexOfHeadEnd(received)) < 0)
        {
            var n = await stream.ReadAsync(buffer);
            received.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        var head = Encoding.ASCII.GetString(received.ToArray(), 0, headEnd);
        var length = int.Parse(head.Split("\r\n").Single(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))[15..].Trim());
        while (received.Count < headEnd + 4 + length)
        {
            var n = await stream.ReadAsync(buffer);
            received.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        var body = Encoding.UTF8.GetString(received.ToArray(), headEnd + 4, length);
        await stream.WriteAsync("HTTP/1.1 200 OK\r\nETag: \"5d41402abc4b2a76b9719d911017c592\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
        return (head, body);
    }

    private static int IndexOfHeadEnd(List<byte> data)
    {
        for (var i = 0; i + 3 < data.Count; i++)
        {
            if (data[i] == '\r' && data[i + 1] == '\n' && data[i + 2] == '\r' && data[i + 3] == '\n')
            {
                return i;
            }
        }

        return -1;
    }
}
