using DirectUpload.Client;

namespace DirectUpload.Testing;

/// <summary>An <see cref="IProgress{T}"/> that records the client's reports synchronously, in order (<see cref="Progress{T}"/> would post them to the thread pool, possibly after the upload returned).</summary>
public sealed class RecordingProgress : IProgress<UploadProgress>
{
    private readonly List<UploadProgress> _reports = [];

    public IReadOnlyList<UploadProgress> Reports
    {
        get
        {
            lock (_reports)
            {
                return _reports.ToList();
            }
        }
    }

    public void Report(UploadProgress value)
    {
        lock (_reports)
        {
            _reports.Add(value);
        }
    }
}
