using System.Security.Cryptography;

namespace DirectUpload.FaultTests.Infrastructure;

/// <summary>A temporary file of random bytes and its SHA-256, deleted on dispose.</summary>
public sealed class TestFile : IDisposable
{
    public TestFile(long length)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "directupload-fault-" + Guid.NewGuid().ToString("N") + ".bin");
        var data = new byte[length];
        RandomNumberGenerator.Fill(data);
        File.WriteAllBytes(Path, data);
        Length = length;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(data));
    }

    public string Path { get; }

    public long Length { get; }

    public string Sha256 { get; }

    public void Dispose() => File.Delete(Path);
}
