namespace Isthmus;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports on the calling thread, at once. <see cref="Progress{T}"/> posts to the
/// thread pool, so a progress bar would lag behind (and a test's cancellation would arrive late).
/// </summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
