namespace DirectUpload.Client;

/// <summary>Options of a <see cref="DirectUploadClient"/>.</summary>
public class DirectUploadClientOptions
{
    /// <summary>
    /// Gets or sets the path the host maps its DirectUpload endpoints under, resolved against the host
    /// <see cref="HttpClient.BaseAddress"/> (<c>/uploads</c> replaces the base address's path, <c>uploads</c> appends to it),
    /// or an absolute URL.
    /// </summary>
    /// <value>The base path. The default value is <c>/uploads</c>.</value>
    public string BasePath { get; set; } = "/uploads";

    /// <summary>Gets or sets the clock the retry delays wait on.</summary>
    /// <value>The clock. The default value is <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
