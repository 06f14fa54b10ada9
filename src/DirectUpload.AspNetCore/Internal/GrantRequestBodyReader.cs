using System.Text;
using System.Text.Json;

namespace DirectUpload.AspNetCore.Internal;

/// <summary>
/// Reads the grant endpoint's body (<see cref="GrantRequestBody"/>) straight off a <see cref="Utf8JsonReader"/>, with the
/// outcome System.Text.Json has under <see cref="Json.Options"/>: member names matched exactly or ignoring case
/// (<see cref="StringComparison.OrdinalIgnoreCase"/>), the last of repeated members kept, unknown members skipped, JSON
/// numbers only (no strings, fractions or exponents for <c>size</c>), <see langword="null"/> for any member, depth at most 16,
/// no comments, no trailing commas, nothing after the value. Anything else is a <see cref="JsonException"/>.
/// </summary>
/// <remarks>
/// Every grant starts with this body, and the general deserializer's per-call work (a read stack, a converter per member)
/// is most of what reading it costs. <c>GrantRequestBodyReaderTests</c> holds this reader to System.Text.Json's results
/// on a corpus of valid, hostile and mutated bodies.
/// </remarks>
internal static class GrantRequestBodyReader
{
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        MaxDepth = 16,
        CommentHandling = JsonCommentHandling.Disallow,
        AllowTrailingCommas = false,
    };

    // the members, as they are spelled in the contract (and that spelling's UTF-8, for the exact comparison)
    private static readonly (string Name, byte[] Utf8, Member Member)[] Members = new (string Name, Member Member)[]
    {
        ("fileName", Member.FileName),
        ("contentType", Member.ContentType),
        ("size", Member.Size),
        ("md5", Member.Md5),
        ("metadata", Member.Metadata),
    }.Select(m => (m.Name, Encoding.UTF8.GetBytes(m.Name), m.Member)).ToArray();

    private enum Member
    {
        Unknown,
        FileName,
        ContentType,
        Size,
        Md5,
        Metadata,
        Undecided,
    }

    /// <summary>Reads the body; <see langword="null"/> when it is the JSON literal <c>null</c>.</summary>
    /// <exception cref="JsonException">The body is not a grant request.</exception>
    public static GrantRequestBody? Read(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, ReaderOptions);
        try
        {
            var body = ReadBody(ref reader, out var undecided);
            return undecided ? JsonSerializer.Deserialize(json, Json.Info<GrantRequestBody>()) : body;
        }
        catch (InvalidOperationException e)
        {
            // a string that is not valid UTF-8, or a token read as the wrong type: System.Text.Json's JsonException too
            throw new JsonException(e.Message, "$", null, null, e);
        }
    }

    private static GrantRequestBody? ReadBody(ref Utf8JsonReader reader, out bool undecided)
    {
        undecided = false;
        if (!reader.Read())
        {
            throw Invalid("$", "The body holds no JSON value.");
        }

        GrantRequestBody? body = null;
        if (reader.TokenType != JsonTokenType.Null)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw Invalid("$", "The body is not a JSON object.");
            }

            body = new GrantRequestBody();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var member = MemberOf(ref reader);
                if (member == Member.Undecided)
                {
                    undecided = true;
                    return null;
                }

                reader.Read();
                switch (member)
                {
                    case Member.FileName:
                        body.FileName = ReadString(ref reader, "$.fileName");
                        break;
                    case Member.ContentType:
                        body.ContentType = ReadString(ref reader, "$.contentType");
                        break;
                    case Member.Md5:
                        body.Md5 = ReadString(ref reader, "$.md5");
                        break;
                    case Member.Size:
                        body.Size = ReadSize(ref reader);
                        break;
                    case Member.Metadata:
                        body.Metadata = ReadMetadata(ref reader);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }

        // the reader refuses anything but whitespace after the value
        if (reader.Read())
        {
            throw Invalid("$", "The body holds more than one JSON value.");
        }

        return body;
    }

    private static Member MemberOf(ref Utf8JsonReader reader)
    {
        foreach (var (_, utf8, member) in Members)
        {
            if (reader.ValueTextEquals(utf8))
            {
                return member;
            }
        }

        // not spelled exactly: matched ignoring case, as the Web defaults' case-insensitive names are. Like System.Text.Json,
        // the name's bytes are decoded leniently (bytes that are not UTF-8 make a name that matches nothing, not an error);
        // a name with escapes that is not exactly a member's is left to System.Text.Json (whose unescaping refuses lone
        // surrogates), and so is the whole body
        if (reader.ValueIsEscaped)
        {
            return Member.Undecided;
        }

        var text = Encoding.UTF8.GetString(reader.ValueSpan);
        foreach (var (name, _, member) in Members)
        {
            if (string.Equals(text, name, StringComparison.OrdinalIgnoreCase))
            {
                return member;
            }
        }

        return Member.Unknown;
    }

    private static string? ReadString(ref Utf8JsonReader reader, string path) => reader.TokenType switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.String => reader.GetString(),
        _ => throw Invalid(path, "Expected a string."),
    };

    private static long? ReadSize(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var size))
        {
            return size;
        }

        throw Invalid("$.size", "Expected a whole JSON number that fits 64 bits.");
    }

    private static Dictionary<string, string>? ReadMetadata(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw Invalid("$.metadata", "Expected an object of strings.");
        }

        var metadata = new Dictionary<string, string>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            metadata[name] = ReadString(ref reader, "$.metadata")!;
        }

        return metadata;
    }

    private static JsonException Invalid(string path, string message) => new(message, path, null, null);
}
