using System.Runtime.ExceptionServices;

namespace Isthmus.Storage;

/// <summary>
/// Writes files on a background thread, one after another in the order given, so that a training loop that keeps
/// checkpoints (FGE and SSE members, trajectory points) does not wait for the disk (collecting members must
/// not slow the loop: FGE's point is a cheap ensemble). The caller copies what to write first (<see cref="Safetensors.Snapshot"/>), and calls
/// <see cref="Flush"/> before it records the files as written (a manifest, a resume state): Flush waits for every
/// write and rethrows the first failure (a full disk, a read-only folder) as the one-sentence error it was.
/// </summary>
public sealed class BackgroundWriter : IDisposable
{
    private readonly object _gate = new();
    private Task _tail = Task.CompletedTask;
    private ExceptionDispatchInfo? _failure;

    /// <summary>Queues <paramref name="write"/> after every write queued before it; after a failure, later writes are skipped.</summary>
    public void Enqueue(Action write)
    {
        lock (_gate)
        {
            _tail = _tail.ContinueWith(_ =>
            {
                if (Volatile.Read(ref _failure) is not null) return;
                try { write(); }
                catch (Exception e) { Interlocked.CompareExchange(ref _failure, ExceptionDispatchInfo.Capture(e), null); }
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        }
    }

    /// <summary>Waits for every queued write; rethrows the first one that failed.</summary>
    public void Flush()
    {
        Task tail;
        lock (_gate) tail = _tail;
        tail.Wait();
        var failure = Interlocked.Exchange(ref _failure, null);
        failure?.Throw();
    }

    /// <summary>Waits for the queued writes, without throwing (the error, if any, was or will be reported by Flush).</summary>
    public void Dispose()
    {
        Task tail;
        lock (_gate) tail = _tail;
        try { tail.Wait(); } catch (AggregateException) { }
    }
}
