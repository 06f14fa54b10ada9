namespace DirectUpload;

/// <summary>
/// Options of the event pipeline (<see cref="IS3EventDispatcher"/>): where DirectUpload keeps its completion markers,
/// how long a claim is held, and how processing is retried. Part of <see cref="DirectUploadOptions.Events"/>.
/// </summary>
public sealed class DirectUploadEventOptions
{
    /// <summary>
    /// Gets or sets the key prefix, in each profile's bucket, under which DirectUpload writes its small completion markers
    /// (and dead letters). No grant ever issues a key under it, and events for keys under it are ignored.
    /// </summary>
    /// <value>The prefix; must end with <c>/</c>. The default value is <c>.directupload/</c>.</value>
    public string InternalPrefix { get; set; } = ".directupload/";

    /// <summary>
    /// Gets or sets how long a claim on an object version protects the completion hooks from running elsewhere. A claim
    /// older than this (its holder crashed) is taken over, so keep it longer than your slowest completion hook.
    /// </summary>
    /// <value>The lease. The default value is 2 minutes.</value>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Gets or sets how long a client's confirm waits for another instance (or the event handler) that holds the claim to
    /// finish, before it answers <see cref="UploadRejectionReason.CompletionInProgress"/>.
    /// </summary>
    /// <value>The wait. The default value is 5 seconds.</value>
    public TimeSpan ConfirmWait { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets the delays between attempts of the processing hooks within one delivery of an event; an attempt is made
    /// first, then one more after each delay.
    /// </summary>
    /// <value>The delays. The default value is 200 ms and 1 s (three attempts).</value>
    public IList<TimeSpan> ProcessingRetryDelays { get; } = new List<TimeSpan> { TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1) };

    /// <summary>
    /// Gets or sets how many deliveries of an event may run the processing hooks before the object is dead-lettered
    /// (an error log and a record under <c>{InternalPrefix}dead-letters/</c>) and the event is acknowledged.
    /// </summary>
    /// <value>The number of deliveries, at least 1. The default value is 5.</value>
    public int MaxProcessingDeliveries { get; set; } = 5;
}
