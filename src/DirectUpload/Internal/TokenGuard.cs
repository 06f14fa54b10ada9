namespace DirectUpload.Internal;

/// <summary>Checks that a token belongs to the profile and the caller that present it.</summary>
internal static class TokenGuard
{
    public static UploadTicket Check(IUploadTokenService tokens, UploadTokenRequest request, bool multipart)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ticket = tokens.ValidateToken(request.Token);
        if (!string.Equals(ticket.Profile, request.Profile, StringComparison.OrdinalIgnoreCase))
        {
            throw new UploadRejectedException(UploadRejectionReason.InvalidToken, "The token was issued for another profile.");
        }

        if (multipart != (ticket.UploadId is not null))
        {
            throw new UploadRejectedException(
                UploadRejectionReason.InvalidToken,
                multipart ? "The token is not a multipart upload token." : "The token is a multipart upload token.");
        }

        if (ticket.OwnerId is not null && !string.Equals(ticket.OwnerId, request.OwnerId, StringComparison.Ordinal))
        {
            throw new UploadRejectedException(UploadRejectionReason.Forbidden, "The token was issued to another owner.");
        }

        return ticket;
    }
}
