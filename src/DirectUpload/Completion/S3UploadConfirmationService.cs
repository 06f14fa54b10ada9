using DirectUpload.Internal;
using Microsoft.Extensions.Logging;

namespace DirectUpload.S3.Internal;

/// <summary>The S3 implementation of <see cref="IUploadConfirmationService"/>: the token guard, then a HEAD and the hooks (<see cref="UploadCompletion.FinishAsync"/>).</summary>
internal sealed class S3UploadConfirmationService : IUploadConfirmationService
{
    private readonly ProfileRegistry _profiles;
    private readonly IUploadTokenService _tokens;
    private readonly UploadCompletion _completion;
    private readonly Rejections _rejections;
    private readonly ILogger _logger;

    public S3UploadConfirmationService(
        ProfileRegistry profiles,
        IUploadTokenService tokens,
        UploadCompletion completion,
        Rejections rejections,
        ILoggerFactory loggerFactory)
    {
        _profiles = profiles;
        _tokens = tokens;
        _completion = completion;
        _rejections = rejections;
        _logger = loggerFactory.CreateLogger(Log.Category);
    }

    public async Task<UploadedObject> ConfirmAsync(UploadTokenRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var activity = DirectUploadTelemetry.ActivitySource.StartActivity("DirectUpload.ConfirmUpload");
        CheckedToken checkedToken;
        try
        {
            checkedToken = TokenGuard.Check(_tokens, _profiles, request, multipart: false, _logger);
        }
        catch (UploadRejectedException e)
        {
            _rejections.Confirmation(DirectUploadTelemetry.UnknownProfileTag, e);
            throw;
        }

        return await _completion.FinishAsync(checkedToken, multipart: false, etag: null, cancellationToken).ConfigureAwait(false);
    }
}
