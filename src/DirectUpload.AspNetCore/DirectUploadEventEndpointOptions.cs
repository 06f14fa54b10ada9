namespace DirectUpload.AspNetCore;

/// <summary>Options of the store-event endpoint mapped by <c>MapDirectUploadEvents</c>.</summary>
public sealed class DirectUploadEventEndpointOptions
{
    /// <summary>
    /// Gets or sets the shared secret the store must present, as the <c>secret</c> query parameter of the push URL
    /// (RGW and SNS send no credentials of their own) or the <c>X-DirectUpload-Secret</c> header. Compared in constant
    /// time. Required: at least 16 characters; generate it (e.g. 32 random bytes, base64url) and keep it in a secret store.
    /// </summary>
    /// <value>The secret. The default value is <see langword="null"/>, which makes mapping the endpoint throw.</value>
    public string? Secret { get; set; }

    /// <summary>Gets or sets the largest request body read, in bytes; a larger one is answered 413 and not retried usefully.</summary>
    /// <value>The limit. The default value is 1 MiB (RGW sends one record per request; S3 a few).</value>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>
    /// Gets the ARNs of the Amazon SNS topics whose HTTP(S) subscription envelopes are accepted (S3 → SNS → HTTPS). SNS
    /// messages are verified per AWS's documented algorithm (signature versions 1 and 2, certificate fetched over HTTPS from
    /// an <c>sns.&lt;region&gt;.amazonaws.com</c> host only). Empty (the default): SNS envelopes are refused.
    /// </summary>
    /// <value>The topic ARNs. The default value is an empty collection.</value>
    public ICollection<string> SnsTopicArns { get; } = new List<string>();

    /// <summary>Gets or sets a value indicating whether a verified SNS <c>SubscriptionConfirmation</c> is confirmed by visiting its <c>SubscribeURL</c>.</summary>
    /// <value><see langword="true"/> to confirm. The default value is <see langword="true"/>.</value>
    public bool ConfirmSnsSubscriptions { get; set; } = true;

    /// <summary>Gets or sets how old a verified SNS message may be (by its <c>Timestamp</c>) before it is refused as a replay.</summary>
    /// <value>The age. The default value is 1 hour.</value>
    public TimeSpan MaxSnsMessageAge { get; set; } = TimeSpan.FromHours(1);
}
