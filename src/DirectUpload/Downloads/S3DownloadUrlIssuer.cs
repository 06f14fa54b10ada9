using System.Text;
using DirectUpload.Internal;
using Microsoft.Extensions.Logging;

namespace DirectUpload.S3.Internal;

/// <summary>The S3 implementation of <see cref="IDownloadUrlIssuer"/>.</summary>
internal sealed class S3DownloadUrlIssuer : IDownloadUrlIssuer
{
    private readonly ProfileRegistry _profiles;
    private readonly S3ClientContext _s3;
    private readonly SigV4Signer _signer;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    public S3DownloadUrlIssuer(ProfileRegistry profiles, S3ClientContext s3, SigV4Signer signer, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        _profiles = profiles;
        _s3 = s3;
        _signer = signer;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger(Log.Category);
    }

    public async ValueTask<DownloadGrant> CreateDownloadUrlAsync(DownloadRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var resolved = _profiles.Get(request.Profile);
        var profile = resolved.Options;
        if (!ObjectKeys.IsValidKey(request.Key, profile.KeyPrefix, out var problem))
        {
            throw new UploadRejectedException(UploadRejectionReason.InvalidKey, $"The key was refused: {problem}.");
        }

        if (resolved.OwnerFolders)
        {
            var folder = string.IsNullOrEmpty(request.OwnerId) ? null : resolved.OwnerFolder(request.OwnerId);
            if (folder is null || !request.Key.StartsWith(folder, StringComparison.Ordinal))
            {
                throw new UploadRejectedException(UploadRejectionReason.Forbidden, $"The key is not in the caller's folder of profile '{resolved.Name}'.");
            }
        }

        var expiry = request.Expiry ?? profile.Expiry;
        if (expiry < TimeSpan.FromSeconds(1) || expiry > TimeSpan.FromDays(7))
        {
            throw new ArgumentOutOfRangeException(nameof(request), expiry, "DownloadRequest.Expiry must be between 1 second and 7 days.");
        }

        var contentType = request.ContentType is null ? null : ContentTypes.Normalize(request.ContentType);
        if (request.ContentType is not null && contentType is null)
        {
            throw new UploadRejectedException(UploadRejectionReason.InvalidContentType, "The response content type is not a well-formed media type.");
        }

        var inline = request.Inline && contentType is not null && IsSafeInline(contentType);
        var fileName = request.FileName ?? request.Key[(request.Key.LastIndexOf('/') + 1)..];
        var disposition = inline ? "inline" : Attachment(fileName);

        var query = new List<KeyValuePair<string, string>>(2) { new("response-content-disposition", disposition) };
        if (contentType is not null)
        {
            query.Add(new("response-content-type", contentType));
        }

        var credentials = await _s3.GetCredentialsAsync().ConfigureAwait(false);
        var now = SigV4Signer.SigningInstant(_timeProvider);
        var url = _signer.Presign("GET", resolved.Address, request.Key, credentials, expiry, now, headers: null, query);
        Log.DownloadIssued(_logger, resolved.Name, inline ? "inline" : "attachment");
        return new DownloadGrant { Url = url, ExpiresAt = now + expiry, ContentDisposition = disposition };
    }

    /// <summary>Types a browser may render without running script from the bucket's origin.</summary>
    internal static bool IsSafeInline(string contentType)
    {
        var mediaType = ContentTypes.MediaType(contentType);
        if (mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
        {
            return !mediaType.Contains("svg", StringComparison.OrdinalIgnoreCase) && !mediaType.Contains("xml", StringComparison.OrdinalIgnoreCase);
        }

        return mediaType.StartsWith("video/", StringComparison.OrdinalIgnoreCase)
            || mediaType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/pdf", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/plain", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary><c>attachment; filename="ascii"; filename*=UTF-8''percent-encoded</c> (RFC 6266 / 8187).</summary>
    internal static string Attachment(string fileName)
    {
        var safe = ObjectKeys.SanitizeFileName(fileName);
        var ascii = new StringBuilder(safe.Length);
        foreach (var c in safe)
        {
            ascii.Append(c is >= ' ' and <= '~' and not '"' and not '\\' ? c : '_');
        }

        return string.Concat("attachment; filename=\"", ascii.ToString(), "\"; filename*=UTF-8''", SigV4.UriEncode(safe, encodeSlash: true));
    }
}
