using System.Runtime.CompilerServices;

namespace DirectUpload.Testing;

/// <summary>Finds the repository root: from this source file's path, or (when the build maps source paths, as CI builds do) from the test binaries.</summary>
public static class RepositoryPaths
{
    private const string Marker = "DirectUpload.sln";

    public static string Root => FindRoot();

    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { Path.GetDirectoryName(sourceFile), AppContext.BaseDirectory })
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, Marker)))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"Cannot find the repository root (a folder with {Marker}) above '{sourceFile}' or '{AppContext.BaseDirectory}'.");
    }
}
