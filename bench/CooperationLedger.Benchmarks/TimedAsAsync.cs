using System.Diagnostics;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;

namespace CooperationLedger.Benchmarks;

/// <summary>
/// The service's own projection, run by the daemon instead of inline so that catch-up and lag can be measured, with
/// the time spent inside it counted.
/// </summary>
internal sealed class TimedAsAsync(IProjection projection) : IProjection
{
    public string Name => projection.Name;

    public ProjectionMode Mode => ProjectionMode.Async;

    public PoisonEventPolicy OnPoisonEvent => projection.OnPoisonEvent;

    public int Version => projection.Version;

    /// <summary>Time spent in the projection's fold and write, not in reading the feed.</summary>
    public TimeSpan ApplyTime { get; private set; }

    public Task CreateStorageAsync(ProjectionContext context, CancellationToken cancellationToken) =>
        projection.CreateStorageAsync(context, cancellationToken);

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await projection.ApplyAsync(context, events, cancellationToken);
        }
        finally
        {
            ApplyTime += Stopwatch.GetElapsedTime(started);
        }
    }
}
