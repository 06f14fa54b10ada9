using System.Net.Http.Headers;
using System.Text;

namespace DirectUpload.Client.Tests.TestUtilities;

/// <summary>One part of a multipart/form-data body.</summary>
public sealed record FormPart(string Name, string? FileName, string RawDisposition, IReadOnlyDictionary<string, string> Headers, byte[] Data)
{
    public string Text => Encoding.UTF8.GetString(Data);
}

/// <summary>A minimal multipart/form-data parser (RFC 7578), enough to check what a client sent.</summary>
public static class MultipartFormParser
{
    public static IReadOnlyList<FormPart> Parse(byte[] body, string contentType)
    {
        var boundary = MediaTypeHeaderValue.Parse(contentType).Parameters.Single(p => p.Name == "boundary").Value!.Trim('"');
        var delimiter = Encoding.ASCII.GetBytes("--" + boundary);
        var parts = new List<FormPart>();
        var position = IndexOf(body, delimiter, 0);
        while (position >= 0)
        {
            var start = position + delimiter.Length;
            if (body.AsSpan(start).StartsWith("--"u8))
            {
                break;
            }

            start += 2; // CRLF after the delimiter
            var next = IndexOf(body, delimiter, start);
            var end = next - 2; // CRLF before the next delimiter
            var headerEnd = IndexOf(body, "\r\n\r\n"u8.ToArray(), start);
            var headerLines = Encoding.UTF8.GetString(body, start, headerEnd - start).Split("\r\n");
            var headers = headerLines.Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
            var disposition = headers["Content-Disposition"];
            var parsed = ContentDispositionHeaderValue.Parse(disposition);
            var data = body[(headerEnd + 4)..end];
            parts.Add(new FormPart(parsed.Name!.Trim('"'), parsed.FileName?.Trim('"'), disposition, headers, data));
            position = next;
        }

        return parts;
    }

    private static int IndexOf(byte[] haystack, byte[] needle, int from)
    {
        var index = haystack.AsSpan(from).IndexOf(needle);
        return index < 0 ? -1 : index + from;
    }
}
