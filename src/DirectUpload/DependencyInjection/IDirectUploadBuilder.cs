namespace DirectUpload;

/// <summary>Configures DirectUpload after <c>AddDirectUploads()</c>.</summary>
public interface IDirectUploadBuilder
{
    /// <summary>Gets the service collection DirectUpload is registered in.</summary>
    Microsoft.Extensions.DependencyInjection.IServiceCollection Services { get; }
}
