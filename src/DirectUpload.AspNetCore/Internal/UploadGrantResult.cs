using System.Buffers;
using System.Globalization;
using System.Text;
using DirectUpload.Internal;
using DirectUpload.S3.Internal;
using Microsoft.AspNetCore.Http;

namespace DirectUpload.AspNetCore.Internal;

/// <summary>
/// The grant endpoint's 200 answer: the grant's JSON written straight into the response as UTF-8, with a
/// <c>Content-Length</c>. The bytes are those System.Text.Json writes for <see cref="UploadGrant"/> under
/// <see cref="Json.Options"/> (same member order and names, the default encoder's escapes, the trimmed ISO 8601 instant),
/// except that <c>+</c> is written as itself rather than as <c>\u002B</c>: the same JSON text, and base64 (the POST policy)
/// is full of it. A grant with text outside printable ASCII, or with a <see langword="null"/> where a string belongs, is
/// written by System.Text.Json itself.
/// </summary>
/// <remarks>
/// A grant's text is printable ASCII (URLs, keys, base64, hex), so the general writer's work (a pooled
/// <c>Utf8JsonWriter</c>, an encoder call per string, chunked transfer) is more than the answer needs; this writer measures
/// the answer first, then writes it in one piece, one narrowing copy per string; the POST policy, which the signer keeps as
/// its base64 bytes (<see cref="GrantParameters.AddBase64"/>), is copied as bytes and never made a string, and base64 needs
/// no escape. When no string of the grant needs an escape either (the usual case, known from measuring), the grant's
/// strings and those of its own <see cref="GrantParameters"/> are narrowed in one copy without being searched again; the
/// entries of any other dictionary (a custom issuer's, which could change meanwhile) are always searched as they are written.
/// </remarks>
internal sealed class UploadGrantResult : IResult
{
    private const string ContentType = "application/json; charset=utf-8";
    private const int MaxInResponseBuffer = 16 * 1024;
    private const int MaxDateLength = 33;

    // printable ASCII written as it is: what the default JavaScriptEncoder writes as it is (all of 0x20–0x7E except
    // " & ' + < > \ `), and +
    private const string VerbatimCharacters = " !#$%()*+,-./0123456789:;=?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_abcdefghijklmnopqrstuvwxyz{|}~";
    private static readonly SearchValues<char> Verbatim = SearchValues.Create(VerbatimCharacters);

    // what this writer escapes: the rest of printable ASCII (text outside it is left to System.Text.Json)
    private static readonly SearchValues<char> Escaped = SearchValues.Create("\"&'<>\\`");

    private readonly UploadGrant _grant;

    public UploadGrantResult(UploadGrant grant)
    {
        _grant = grant;
    }

    public Task ExecuteAsync(HttpContext context)
    {
        Span<byte> date = stackalloc byte[MaxDateLength];
        date = date[..FormatDate(date, _grant.ExpiresAt)];
        var length = Measure(_grant, date.Length, out var verbatim);
        if (length < 0)
        {
            return Results.Json(_grant, Json.Info<UploadGrant>()).ExecuteAsync(context);
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.ContentLength = length;
        var writer = response.BodyWriter;
        if (length <= MaxInResponseBuffer)
        {
            var span = writer.GetSpan(length);
            if (span.Length >= length)
            {
                Write(_grant, date, span[..length], verbatim);
                writer.Advance(length);
                var flush = writer.FlushAsync(context.RequestAborted);
                return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
            }
        }

        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            Write(_grant, date, rented.AsSpan(0, length), verbatim);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true);
            throw;
        }

        return WriteRentedAsync(writer, rented, length, context.RequestAborted);
    }

    /// <summary>
    /// The length of the grant's JSON in bytes, or -1 when this writer does not write it (see the class);
    /// <paramref name="verbatim"/> tells whether every string is written as it is (no escapes).
    /// </summary>
    private static int Measure(UploadGrant grant, int dateLength, out bool verbatim)
    {
        // {"method":,"url":,"fields":,"headers":,"key":,"expiresAt":"","token":} (70 bytes), the quotes of the four strings
        // and the braces of the two objects
        var length = 70 + 8 + 4 + dateLength;
        var escapes = 0;
        if (!Add(ref length, ref escapes, grant.Method) || !Add(ref length, ref escapes, grant.Url) || !Add(ref length, ref escapes, grant.Key)
            || !Add(ref length, ref escapes, grant.Token) || !AddEntries(ref length, ref escapes, grant.Fields) || !AddEntries(ref length, ref escapes, grant.Headers))
        {
            verbatim = false;
            return -1;
        }

        verbatim = escapes == 0;
        return length;
    }

    /// <summary>
    /// Writes the grant's JSON into <paramref name="destination"/>, which is exactly <see cref="Measure"/> bytes long;
    /// <paramref name="verbatim"/> is what <see cref="Measure"/> said (no string needs an escape).
    /// </summary>
    private static void Write(UploadGrant grant, ReadOnlySpan<byte> date, Span<byte> destination, bool verbatim)
    {
        var at = 0;
        Raw(destination, ref at, "{\"method\":"u8);
        String(destination, ref at, grant.Method, verbatim);
        Raw(destination, ref at, ",\"url\":"u8);
        String(destination, ref at, grant.Url, verbatim);
        Raw(destination, ref at, ",\"fields\":"u8);
        Entries(destination, ref at, grant.Fields, verbatim);
        Raw(destination, ref at, ",\"headers\":"u8);
        Entries(destination, ref at, grant.Headers, verbatim);
        Raw(destination, ref at, ",\"key\":"u8);
        String(destination, ref at, grant.Key, verbatim);
        Raw(destination, ref at, ",\"expiresAt\":\""u8);
        Raw(destination, ref at, date);
        Raw(destination, ref at, "\",\"token\":"u8);
        String(destination, ref at, grant.Token, verbatim);
        destination[at++] = (byte)'}';
        if (at != destination.Length)
        {
            throw new InvalidOperationException($"The grant's JSON took {at} bytes where {destination.Length} were measured.");
        }
    }

    private static async Task WriteRentedAsync(System.IO.Pipelines.PipeWriter writer, byte[] rented, int length, CancellationToken ct)
    {
        try
        {
            await writer.WriteAsync(rented.AsMemory(0, length), ct).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented, clearArray: true); // a grant is a credential
        }
    }

    private static bool Add(ref int length, ref int escapes, string? value)
    {
        var escaped = EscapedLength(value);
        if (escaped < 0)
        {
            return false;
        }

        length += escaped;
        escapes += escaped - value!.Length; // what the escapes add
        return true;
    }

    private static bool AddEntries(ref int length, ref int escapes, IReadOnlyDictionary<string, string>? entries)
    {
        if (entries is null)
        {
            return false;
        }

        // each entry: its two strings, their four quotes, a colon, and a comma between entries
        if (entries is GrantParameters parameters)
        {
            // the grant's own type: by index, and a value held as base64 bytes (the POST policy) is its length: base64 has no
            // character that JSON escapes
            for (var i = 0; i < parameters.Count; i++)
            {
                if (!Add(ref length, ref escapes, parameters.NameAt(i)))
                {
                    return false;
                }

                if (parameters.TryGetBase64(i, out var base64))
                {
                    length += base64.Length;
                }
                else if (!Add(ref length, ref escapes, parameters.At(i).Value))
                {
                    return false;
                }

                length += 6;
            }
        }
        else
        {
            foreach (var (name, value) in entries)
            {
                if (!Add(ref length, ref escapes, name) || !Add(ref length, ref escapes, value))
                {
                    return false;
                }

                length += 6;
            }
        }

        length += entries.Count > 0 ? -1 : 0;
        return true;
    }

    /// <summary>The length of <paramref name="value"/> escaped as the default encoder does, without quotes; -1 when it is null or not printable ASCII.</summary>
    private static int EscapedLength(string? value)
    {
        if (value is null)
        {
            return -1;
        }

        var first = value.AsSpan().IndexOfAnyExcept(Verbatim);
        if (first < 0)
        {
            return value.Length;
        }

        var length = value.Length;
        foreach (var c in value.AsSpan(first))
        {
            switch (c)
            {
                case < ' ' or > '~':
                    return -1;
                case '\\':
                    length += 1; // \\
                    break;
                case '"' or '&' or '\'' or '<' or '>' or '`':
                    length += 5; // \u00XX
                    break;
            }
        }

        return length;
    }

    private static void String(Span<byte> destination, ref int at, string value, bool verbatim)
    {
        if (verbatim)
        {
            // measured: printable ASCII with nothing to escape, one narrowing copy
            destination[at++] = (byte)'"';
            Ascii.FromUtf16(value, destination[at..], out var written);
            at += written;
            destination[at++] = (byte)'"';
            return;
        }

        // the escapes of AsciiJsonWriter (\\ and \u00XX, upper-case hex), for what the default encoder escapes except +
        var json = new AsciiJsonWriter(destination[at..]);
        json.WriteString(value, Escaped);
        at += json.Written.Length;
    }

    private static void Entries(Span<byte> destination, ref int at, IReadOnlyDictionary<string, string> entries, bool verbatim)
    {
        destination[at++] = (byte)'{';
        if (entries is GrantParameters parameters)
        {
            for (var i = 0; i < parameters.Count; i++)
            {
                if (i > 0)
                {
                    destination[at++] = (byte)',';
                }

                String(destination, ref at, parameters.NameAt(i), verbatim);
                destination[at++] = (byte)':';
                if (parameters.TryGetBase64(i, out var base64))
                {
                    destination[at++] = (byte)'"';
                    Raw(destination, ref at, base64);
                    destination[at++] = (byte)'"';
                }
                else
                {
                    String(destination, ref at, parameters.At(i).Value, verbatim);
                }
            }
        }
        else
        {
            var first = true;
            foreach (var (name, value) in entries)
            {
                if (!first)
                {
                    destination[at++] = (byte)',';
                }

                first = false;

                // another dictionary than the grant's own could change between measuring and writing: searched again, so
                // that what is written is escaped whatever it holds (a changed length fails the check in Write)
                String(destination, ref at, name, verbatim: false);
                destination[at++] = (byte)':';
                String(destination, ref at, value, verbatim: false);
            }
        }

        destination[at++] = (byte)'}';
    }

    private static void Raw(Span<byte> destination, ref int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[at..]);
        at += bytes.Length;
    }

    /// <summary>The instant as System.Text.Json writes a <see cref="DateTimeOffset"/>: ISO 8601 ("O") with the fraction's trailing zeros (and then its dot) dropped.</summary>
    private static int FormatDate(Span<byte> destination, DateTimeOffset value)
    {
        // "O" is yyyy-MM-ddTHH:mm:ss.fffffff+hh:mm: the fraction is bytes 19–26, the offset the last six
        if (!value.TryFormat(destination, out var written, "O", CultureInfo.InvariantCulture) || written != MaxDateLength)
        {
            throw new InvalidOperationException("An instant did not format as 33 bytes of ISO 8601.");
        }

        var fractionEnd = 27;
        while (fractionEnd > 20 && destination[fractionEnd - 1] == (byte)'0')
        {
            fractionEnd--;
        }

        var keep = fractionEnd == 20 ? 19 : fractionEnd;
        destination[27..MaxDateLength].CopyTo(destination[keep..]);
        return keep + 6;
    }
}
