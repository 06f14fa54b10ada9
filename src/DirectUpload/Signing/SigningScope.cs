namespace DirectUpload.S3.Internal;

/// <summary>A derived signing key with the credential scope strings of one (access key, secret, date, region). Immutable.</summary>
internal sealed class SigningScope
{
    public SigningScope(string accessKeyId, string secretAccessKey, int dateNumber, string date, string region, byte[] key)
    {
        AccessKeyId = accessKeyId;
        SecretAccessKey = secretAccessKey;
        DateNumber = dateNumber;
        Date = date;
        Region = region;
        Key = key;
        Scope = SigV4.Scope(date, region);
        Credential = string.Concat(accessKeyId, "/", Scope);
        EncodedCredential = SigV4.UriEncode(Credential, encodeSlash: true);
    }

    public string AccessKeyId { get; }

    public string SecretAccessKey { get; }

    /// <summary>Gets the date as the number yyyyMMdd, to compare without formatting.</summary>
    public int DateNumber { get; }

    /// <summary>Gets the date as <c>yyyyMMdd</c>.</summary>
    public string Date { get; }

    public string Region { get; }

    /// <summary>Gets the derived signing key. Never logged.</summary>
    public byte[] Key { get; }

    /// <summary>Gets <c>{date}/{region}/s3/aws4_request</c>.</summary>
    public string Scope { get; }

    /// <summary>Gets <c>{access key}/{scope}</c> (the X-Amz-Credential value).</summary>
    public string Credential { get; }

    /// <summary>Gets <see cref="Credential"/> URI-encoded for a query string.</summary>
    public string EncodedCredential { get; }

    public override string ToString() => $"SigningScope {{ {Scope} }}";
}
