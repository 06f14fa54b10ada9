using System.Security.Claims;

namespace DirectUpload.AspNetCore;

/// <summary>Options of the DirectUpload HTTP endpoints.</summary>
public class DirectUploadEndpointOptions
{
    /// <summary>Gets the claim types the owner id is read from, in order; the first present wins.</summary>
    /// <value>The claim types. The default value is <see cref="ClaimTypes.NameIdentifier"/> then <c>sub</c>.</value>
    public IList<string> OwnerIdClaimTypes { get; } = new List<string> { ClaimTypes.NameIdentifier, "sub" };

    /// <summary>Gets or sets the largest request body the endpoints read, in bytes.</summary>
    /// <value>The limit. The default value is 65536 (64 KiB); a multipart completion of 10,000 parts needs about 1 MiB.</value>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Gets or sets the largest body of a multipart completion request, in bytes.</summary>
    /// <value>The limit. The default value is 2 MiB (enough for 10,000 parts).</value>
    public long MaxCompleteRequestBodyBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>Gets or sets a value indicating whether <c>GET {base}/{profile}/download?key=</c> is mapped.</summary>
    /// <value><see langword="true"/> to map it. The default value is <see langword="true"/>.</value>
    public bool EnableDownloads { get; set; } = true;
}
