namespace DirectUpload.S3.Internal;

/// <summary>What a signer returns: the URL, and the form fields (POST) or the headers (PUT) the client must send.</summary>
internal readonly record struct SignedRequest(
    string Url,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyDictionary<string, string> Headers);
