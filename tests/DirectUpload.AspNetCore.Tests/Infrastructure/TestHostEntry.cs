namespace DirectUpload.AspNetCore.Tests.Infrastructure;

/// <summary>
/// The <c>TEntryPoint</c> of <see cref="DirectUploadApp"/>: only its assembly matters to <c>WebApplicationFactory</c>
/// (for the deps file); the app itself is built by <see cref="DirectUploadApp.BuildApp"/>.
/// </summary>
public sealed class TestHostEntry;
