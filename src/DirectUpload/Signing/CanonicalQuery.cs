using System.Globalization;
using DirectUpload.Internal;

namespace DirectUpload.S3.Internal;

/// <summary>The canonical query string of a presigned URL: the fixed X-Amz-* parameters merged with the extra ones, sorted.</summary>
internal static class CanonicalQuery
{
    // The fixed query parameters in canonical (ordinal) order; none of the names needs URI encoding.
    private static readonly string[] FixedParameterNames =
        ["X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-Security-Token", "X-Amz-SignedHeaders"];

    /// <summary>Writes the canonical query: the fixed X-Amz-* parameters merged with the extra ones, all sorted by (name, value).</summary>
    public static void Append(ref CharBuffer buffer, in FixedValues values, in QueryParameters extra)
    {
        var first = true;
        var next = 0;
        for (var i = 0; i < FixedParameterNames.Length; i++)
        {
            if (i == 4 && values.SessionToken is null)
            {
                continue;
            }

            var name = FixedParameterNames[i];
            while (next < extra.Count && CompareExtraToFixed(extra[next], name, i, values) < 0)
            {
                AppendParameter(ref buffer, ref first, extra[next].Name, extra[next].Value);
                next++;
            }

            Separate(ref buffer, ref first);
            buffer.Append(name);
            buffer.Append('=');
            values.AppendEncoded(ref buffer, i);
        }

        for (; next < extra.Count; next++)
        {
            AppendParameter(ref buffer, ref first, extra[next].Name, extra[next].Value);
        }
    }

    private static int CompareExtraToFixed(in QueryParameter extra, string name, int index, in FixedValues values)
    {
        var byName = string.CompareOrdinal(extra.Name, name);
        if (byName != 0)
        {
            return byName;
        }

        // an extra parameter named like a fixed one: order by value, which only this rare case needs as a string
        var value = new CharBuffer(stackalloc char[256]);
        try
        {
            values.AppendEncoded(ref value, index);
            return extra.Value.AsSpan().SequenceCompareTo(value.Written);
        }
        finally
        {
            value.Dispose();
        }
    }

    private static void AppendParameter(ref CharBuffer buffer, ref bool first, string name, string value)
    {
        Separate(ref buffer, ref first);
        buffer.Append(name);
        buffer.Append('=');
        buffer.Append(value);
    }

    private static void Separate(ref CharBuffer buffer, ref bool first)
    {
        if (!first)
        {
            buffer.Append('&');
        }

        first = false;
    }

    /// <summary>The values of the fixed query parameters, written URI-encoded on demand.</summary>
    internal readonly ref struct FixedValues
    {
        private readonly SigningScope _scope;
        private readonly ReadOnlySpan<char> _amzDate;
        private readonly long _seconds;
        private readonly CanonicalHeaders _headers;

        public FixedValues(SigningScope scope, ReadOnlySpan<char> amzDate, long seconds, string? sessionToken, CanonicalHeaders headers)
        {
            _scope = scope;
            _amzDate = amzDate;
            _seconds = seconds;
            _headers = headers;
            SessionToken = sessionToken;
        }

        public string? SessionToken { get; }

        public void AppendEncoded(ref CharBuffer buffer, int index)
        {
            switch (index)
            {
                case 0:
                    buffer.Append(SigV4.Algorithm);
                    break;
                case 1:
                    buffer.Append(_scope.EncodedCredential);
                    break;
                case 2:
                    buffer.Append(_amzDate);
                    break;
                case 3:
                    _seconds.TryFormat(buffer.AppendSpan(CountDigits(_seconds)), out _, provider: CultureInfo.InvariantCulture);
                    break;
                case 4:
                    SigV4.AppendUriEncoded(ref buffer, SessionToken, encodeSlash: true);
                    break;
                default:
                    _headers.AppendSignedHeaders(ref buffer, encoded: true);
                    break;
            }
        }

        private static int CountDigits(long value)
        {
            var digits = 1;
            while ((value /= 10) != 0)
            {
                digits++;
            }

            return digits;
        }
    }
}
