namespace DirectUpload;

/// <summary>
/// The one entry point of the event pipeline, for an HTTP push endpoint, a queue worker or a Lambda handler alike: parses
/// <c>{"Records":[…]}</c> (AWS and Ceph RGW shapes, or an SNS envelope), and for each <c>ObjectCreated</c> record of an object
/// a DirectUpload grant issued runs event-driven confirmation (the same checks as the client's confirm), the completion hooks
/// (<see cref="IUploadCompletedHandler"/>, exactly once per object version across instances), then the processing hooks
/// (<see cref="IUploadProcessor"/>, at least once, with retries and a dead letter).
/// </summary>
public interface IS3EventDispatcher
{
    /// <summary>
    /// Handles a notification. Returns normally only when every record is durably handled: confirmed and processed,
    /// dead-lettered, refused (the object does not match its grant), or skipped (not an object DirectUpload granted, logged).
    /// Throws when the message must be delivered again (the store, a hook or a processor failed, or another instance holds
    /// the claim): answer 5xx, or nack the message.
    /// </summary>
    /// <param name="json">The notification JSON.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>The number of records that named an object DirectUpload granted and were handled.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="FormatException">The text is not an S3 event notification; delivering it again will not help.</exception>
    Task<int> DispatchAsync(string json, CancellationToken cancellationToken = default);
}
