using System.Security.Claims;

namespace DirectUpload.AspNetCore;

/// <summary>Options of the Uppy Companion-compatible S3 routes mapped by <c>MapUppyCompanion</c>.</summary>
public class UppyCompanionOptions
{
    /// <summary>Gets the claim types the owner id is read from, in order; the first present wins.</summary>
    /// <value>The claim types. The default value is <see cref="ClaimTypes.NameIdentifier"/> then <c>sub</c>.</value>
    public IList<string> OwnerIdClaimTypes { get; } = new List<string> { ClaimTypes.NameIdentifier, "sub" };

    /// <summary>Gets or sets the largest request body the routes read, in bytes.</summary>
    /// <value>The limit. The default value is 65536 (64 KiB).</value>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Gets or sets the largest body of a multipart completion request, in bytes.</summary>
    /// <value>The limit. The default value is 2 MiB (enough for 10,000 parts).</value>
    public long MaxCompleteRequestBodyBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>
    /// Gets or sets the chunk size the page gives Uppy's <c>getChunkSize</c> option, so the host cuts the upload into
    /// the same parts as Uppy and signs each with its exact length.
    /// </summary>
    /// <value>
    /// The chunk size in bytes, or <see langword="null"/> for Uppy's own default (<c>ceil(size / 10000)</c>, at least
    /// 5 MiB). Uppy raises it to at least 5 MiB and to <c>ceil(size / 10000)</c> when more parts would be needed; so does
    /// the host. The default value is <see langword="null"/>.
    /// </value>
    public long? ChunkSizeBytes { get; set; }

    /// <summary>Gets or sets the name of the Uppy file meta field that carries the file's size.</summary>
    /// <value>The field name. The default value is <c>size</c>.</value>
    public string SizeMetaField { get; set; } = "size";

    /// <summary>
    /// Gets or sets the profile that <c>GET /params</c> issues presigned POST policies with. Uppy sends files of 5 MiB or
    /// less in one request even when told to use multipart, so a multipart-only profile needs a POST profile beside it.
    /// </summary>
    /// <value>
    /// A profile name, or <see langword="null"/> for the mapped profile itself (which must then issue POST policies).
    /// Uploads through <c>/params</c> are not confirmed by the host (Uppy does not call back): use S3 event
    /// notifications for them. The default value is <see langword="null"/>.
    /// </value>
    public string? SingleUploadProfile { get; set; }
}
