namespace DirectUpload;

/// <summary>
/// Creates and verifies the compact, URL-safe, HMAC-SHA256-protected tokens carried by grants, so that confirmation and
/// multipart calls stay stateless across any number of app instances.
/// </summary>
public interface IUploadTokenService
{
    /// <summary>Creates a token for a ticket, signed with <see cref="DirectUploadOptions.TokenSigningKey"/>.</summary>
    /// <param name="ticket">What the token vouches for.</param>
    /// <returns>The token: base64url payload, a dot, base64url MAC.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="ticket"/> is <see langword="null"/>.</exception>
    string CreateToken(UploadTicket ticket);

    /// <summary>Verifies a token and returns what it vouches for.</summary>
    /// <param name="token">The token as the client sent it.</param>
    /// <returns>The ticket.</returns>
    /// <exception cref="UploadRejectedException">
    /// <see cref="UploadRejectionReason.InvalidToken"/> when it is malformed or tampered with;
    /// <see cref="UploadRejectionReason.Expired"/> when it has expired.
    /// </exception>
    UploadTicket ValidateToken(string? token);
}
