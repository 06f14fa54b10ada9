namespace DirectUpload;

/// <summary>
/// Post-processing of a confirmed upload (thumbnails, metadata extraction, indexing…), run by the event pipeline
/// (<see cref="IS3EventDispatcher"/>) after the object was checked against its grant and the completion hooks ran.
/// Register any number with <c>services.AddScoped&lt;IUploadProcessor, MyProcessor&gt;()</c>.
/// </summary>
/// <remarks>
/// Delivery is <b>at least once</b>: a processor is retried within a delivery
/// (<see cref="DirectUploadEventOptions.ProcessingRetryDelays"/>), the store redelivers the event when it still fails, and
/// after <see cref="DirectUploadEventOptions.MaxProcessingDeliveries"/> deliveries the upload is dead-lettered. A processor
/// can therefore run more than once for the same object, also concurrently on two instances: write it idempotently
/// (derived keys that are a function of the object's key, upserts by key).
/// </remarks>
public interface IUploadProcessor
{
    /// <summary>Processes one confirmed upload.</summary>
    /// <param name="context">The object's facts and the delivery.</param>
    /// <param name="cancellationToken">A token to cancel the work.</param>
    /// <returns>A task that completes when the work is durably done.</returns>
    ValueTask ProcessAsync(UploadProcessingContext context, CancellationToken cancellationToken);
}
