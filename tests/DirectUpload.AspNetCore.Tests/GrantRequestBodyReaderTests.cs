using System.Text;
using System.Text.Json;
using DirectUpload.AspNetCore.Internal;

namespace DirectUpload.AspNetCore.Tests;

/// <summary>
/// The grant body's own reader (<see cref="GrantRequestBodyReader"/>) against System.Text.Json under the endpoints' options:
/// the same values, or a <see cref="JsonException"/> where System.Text.Json refuses, for hand-picked bodies and for
/// thousands of mutations of them.
/// </summary>
public sealed class GrantRequestBodyReaderTests
{
    private static readonly string[] Seeds =
    [
        """{"fileName":"Quarterly Report 2024.pdf","contentType":"application/pdf","size":2345678}""",
        """{"fileName":"a.png","contentType":"image/png","size":1,"md5":"1B2M2Y8AsgTpgAmY7PhCfg==","metadata":{"album":"summer","note":"x"}}""",
        """ { "size" : 12 , "fileName" : "x\u00e9\ud83d\ude00.txt" , "extra" : [ 1 , { "a" : [ ] } , null , true ] } """,
        """{"metadata":{"a":"1","a":"2","b":null},"fileName":null,"size":null,"md5":null,"contentType":null}""",
    ];

    public static TheoryData<string> Bodies() => new()
    {
        // exact, other cases and escaped names
        """{"FILENAME":"a","ContentType":"t/x","SIZE":5,"Md5":"m","METADATA":{"K":"v"}}""",
        """{"file\u004eame":"escaped name","\u0073ize":3}""",
        // names that only case-insensitive comparison beyond ASCII would match (long s, dotted capital I, Kelvin sign)
        "{\"\u017Fize\":4}",
        "{\"f\u0130leName\":\"x\"}",
        // escaped lone surrogates, in a name and in a value
        """{"\uD800size":1}""",
        """{"size\uDC00":1,"fileName":"a"}""",
        """{"fileName":"\uD800"}""",
        """{"metadata":{"\uDC00":"v"}}""",
        """{"fileName":"\uD83D\uDE00"}""",
        "{\"\u212Aey\":\"x\",\"metadata\":{\"\u212A\":\"k\"}}",
        // the last of repeated members
        """{"size":1,"size":2,"fileName":"a","FileName":"b"}""",
        """{"metadata":{"a":"1"},"metadata":{"b":"2"}}""",
        // numbers: only whole JSON numbers that fit 64 bits
        """{"size":9223372036854775807}""",
        """{"size":9223372036854775808}""",
        """{"size":-9223372036854775808}""",
        """{"size":1.0}""",
        """{"size":1e3}""",
        """{"size":-0}""",
        """{"size":"12"}""",
        """{"size":true}""",
        """{"size":[1]}""",
        """{"size":012}""",
        // wrong types
        """{"fileName":5}""",
        """{"fileName":{"a":1}}""",
        """{"md5":false}""",
        """{"metadata":[]}""",
        """{"metadata":"a"}""",
        """{"metadata":{"a":1}}""",
        """{"metadata":{"a":{"b":"c"}}}""",
        """{"metadata":{"a":["x"]}}""",
        // not an object, or more than one value
        "null",
        "[]",
        "\"text\"",
        "12",
        """{"size":1} {}""",
        """{"size":1}x""",
        """{"size":1}   """,
        // malformed
        "{",
        """{"size":1,}""",
        """{"size":1 /* c */}""",
        """{'size':1}""",
        """{"size":1,"fileName":"a""",
        """{"fileName":"a\x"}""",
        """{"fileName":"tab	inside"}""",
        // depth: 16 levels is the limit, counting the body
        "{\"extra\":" + new string('[', 14) + new string(']', 14) + "}",
        "{\"extra\":" + new string('[', 15) + new string(']', 15) + "}",
        "{\"extra\":" + new string('[', 16) + new string(']', 16) + "}",
        "{\"metadata\":{\"a\":\"b\"},\"x\":" + new string('[', 15) + new string(']', 15) + "}",
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public void Read_HandPickedBody_MatchesSystemTextJson(string json) => ShouldMatch(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Read_InvalidUtf8InAString_IsAJsonExceptionAsInSystemTextJson()
    {
        foreach (var bad in new byte[][] { [0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xC0, 0xAF] })
        {
            var json = "{\"fileName\":\"a"u8.ToArray().Concat(bad).Concat("\"}"u8.ToArray()).ToArray();
            ShouldMatch(json);
            var name = "{\"me"u8.ToArray().Concat(bad).Concat("\":1}"u8.ToArray()).ToArray();
            ShouldMatch(name);
        }
    }

    [Fact]
    public void Read_MutationsOfValidBodies_MatchSystemTextJson()
    {
        // deletions, insertions and replacements of structural and tricky bytes, and duplicated pieces (fixed seed)
        var random = new Random(20261202);
        var alphabet = "{}[]\":,\\ 0123456789-+.eEnulltrufals/*\t\n\u00e9"u8.ToArray().Concat(new byte[] { 0x80, 0xFF, 0x00 }).ToArray();
        var accepted = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var json = Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)]).ToList();
            for (var edits = random.Next(1, 4); edits > 0; edits--)
            {
                var at = random.Next(json.Count + 1);
                switch (random.Next(4))
                {
                    case 0 when at < json.Count:
                        json.RemoveAt(at);
                        break;
                    case 1:
                        json.Insert(at, alphabet[random.Next(alphabet.Length)]);
                        break;
                    case 2 when at < json.Count:
                        json[at] = alphabet[random.Next(alphabet.Length)];
                        break;
                    default:
                        var length = random.Next(1, 12);
                        var from = random.Next(Math.Max(1, json.Count - length));
                        json.InsertRange(at, json.Skip(from).Take(length).ToList());
                        break;
                }
            }

            accepted += ShouldMatch(json.ToArray()) ? 1 : 0;
        }

        // the mutations must exercise both outcomes, or the comparison says little
        accepted.Should().BeInRange(500, 19_500);
    }

    /// <summary>Asserts the reader's outcome is System.Text.Json's; returns whether the body was accepted.</summary>
    private static bool ShouldMatch(byte[] json)
    {
        var expected = Outcome(() => JsonSerializer.Deserialize(json, Json.Info<GrantRequestBody>()), anyException: true);
        var actual = Outcome(() => GrantRequestBodyReader.Read(json), anyException: false);
        actual.Should().Be(expected, $"the body {Convert.ToHexString(json)} ({Encoding.UTF8.GetString(json)}) must read as System.Text.Json reads it");
        return !expected.StartsWith("refused", StringComparison.Ordinal);
    }

    private static string Outcome(Func<GrantRequestBody?> read, bool anyException)
    {
        GrantRequestBody? body;
        try
        {
            body = read();
        }
        catch (JsonException)
        {
            return "refused";
        }
        catch (Exception e) when (anyException)
        {
            return "refused (" + e.GetType().Name + ")";
        }

        if (body is null)
        {
            return "null";
        }

        var metadata = body.Metadata is null ? "none" : string.Join(";", body.Metadata.Select(p => $"{Show(p.Key)}={Show(p.Value)}"));
        return $"fileName={Show(body.FileName)} contentType={Show(body.ContentType)} size={body.Size?.ToString() ?? "null"} md5={Show(body.Md5)} metadata={metadata}";
    }

    private static string Show(string? value) => value is null ? "null" : "'" + Convert.ToHexString(Encoding.Unicode.GetBytes(value)) + "'";
}
