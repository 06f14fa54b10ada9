using Microsoft.Extensions.Logging;

namespace DirectUpload.Internal;

/// <summary>
/// The one place every token-bearing call (confirm, multipart sign/list/complete/abort, and any later one) goes through
/// before it signs, reads or deletes anything. A valid signature is not enough: the ticket must describe something the
/// profile could have issued to this caller, so a leaked or forged token key still cannot reach outside the profile.
/// </summary>
internal static class TokenGuard
{
    private const string Generic = "The token does not name an upload this profile issued to the caller.";

    /// <summary>Verifies the token and re-checks what it claims against the profile and the caller.</summary>
    /// <exception cref="UploadRejectedException">The token is invalid, expired, or names something the profile could not have issued.</exception>
    public static CheckedToken Check(IUploadTokenService tokens, ProfileRegistry profiles, UploadTokenRequest request, bool multipart, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ticket = tokens.ValidateToken(request.Token);
        if (!string.Equals(ticket.Profile, request.Profile, StringComparison.OrdinalIgnoreCase))
        {
            throw new UploadRejectedException(UploadRejectionReason.InvalidToken, "The token was issued for another profile.");
        }

        if (request.Key is not null && !string.Equals(request.Key, ticket.Key, StringComparison.Ordinal))
        {
            throw new UploadRejectedException(UploadRejectionReason.InvalidToken, "The key does not belong to this upload.");
        }

        if (multipart != (ticket.UploadId is not null))
        {
            throw new UploadRejectedException(
                UploadRejectionReason.InvalidToken,
                multipart ? "The token is not a multipart upload token." : "The token is a multipart upload token.");
        }

        var profile = profiles.Get(ticket.Profile);
        if (Problem(ticket, profile, request.OwnerId, multipart) is { } problem)
        {
            Log.TokenRefused(logger, profile.Name, problem.Check);
            throw new UploadRejectedException(problem.Reason, Generic);
        }

        return new CheckedToken(ticket, profile);
    }

    /// <summary>What is wrong with a (validly signed) ticket for this profile and caller, or <see langword="null"/>.</summary>
    internal static (UploadRejectionReason Reason, string Check)? Problem(UploadTicket ticket, ResolvedProfile resolved, string? callerId, bool multipart)
    {
        var profile = resolved.Options;
        // the owner: a scoped profile issues only owned tokens, and an owned token serves only its owner
        if (profile.ScopeToOwner && string.IsNullOrEmpty(ticket.OwnerId))
        {
            return (UploadRejectionReason.Forbidden, "owner-scoped profile, token without owner");
        }

        if (ticket.OwnerId is not null && !string.Equals(ticket.OwnerId, callerId, StringComparison.Ordinal))
        {
            return (UploadRejectionReason.Forbidden, "token issued to another owner");
        }

        // the key: the rules every issued key passed, under the profile's prefix, in the owner's folder
        if (!ObjectKeys.IsValidKey(ticket.Key, profile.KeyPrefix, out _))
        {
            return (UploadRejectionReason.InvalidToken, "key outside the profile's prefix or rules");
        }

        if (resolved.OwnerFolders && !ticket.Key.StartsWith(resolved.OwnerFolder(ticket.OwnerId!), StringComparison.Ordinal))
        {
            return (UploadRejectionReason.Forbidden, "key outside the owner's folder");
        }

        // what the grant declared: a type and size the profile allows
        if (!ContentTypes.TryParse(ticket.ContentType, out var type) || type.Normalized != ticket.ContentType
            || !resolved.AllowedTypes.IsAllowed(type.Normalized) || !ContentTypes.HasAllowedParameters(type))
        {
            return (UploadRejectionReason.InvalidToken, "content type the profile does not allow");
        }

        if (ticket.Size < Math.Max(1, profile.MinSizeBytes) || ticket.Size > profile.MaxSizeBytes)
        {
            return (UploadRejectionReason.InvalidToken, "size outside the profile");
        }

        if (multipart && (ticket.PartSize < UploadProfileOptions.MinPartSizeBytes || ticket.PartSize > UploadProfileOptions.MaxPartSizeBytes
            || (ticket.Size + ticket.PartSize - 1) / ticket.PartSize > UploadProfileOptions.MaxPartCount || string.IsNullOrEmpty(ticket.UploadId)))
        {
            return (UploadRejectionReason.InvalidToken, "part layout the profile could not have issued");
        }

        return null;
    }
}
