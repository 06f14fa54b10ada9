namespace DirectUpload;

/// <summary>
/// A host hook called when an upload is confirmed or a multipart upload completed, e.g. to write a database row.
/// Register any number with <c>services.AddSingleton&lt;IUploadCompletedHandler, MyHandler&gt;()</c> (or scoped, when the
/// call runs in a scope). It runs once per object version (client confirm, multipart completion and the store's event share
/// one claim); should it throw, the claim is released and a retry calls it again, so keep it idempotent (e.g. upsert by key).
/// </summary>
public interface IUploadCompletedHandler
{
    /// <summary>Handles a confirmed upload.</summary>
    /// <param name="upload">The stored object.</param>
    /// <param name="cancellationToken">A token to cancel the call.</param>
    /// <returns>A task that completes when the hook is done.</returns>
    ValueTask OnUploadCompletedAsync(UploadedObject upload, CancellationToken cancellationToken);
}
