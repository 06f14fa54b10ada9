using DirectUpload.Internal;

namespace DirectUpload.S3.Internal;

/// <summary>Signs a validated single-request upload: one small, stateless strategy per method (PUT, POST).</summary>
internal interface IGrantSigner
{
    /// <summary>Gets the HTTP method of the grant (<c>PUT</c> or <c>POST</c>), also its metric tag.</summary>
    string Method { get; }

    /// <summary>Signs the upload: no network call.</summary>
    SignedRequest Sign(in ValidatedUpload upload, SigningCredentials credentials);
}
