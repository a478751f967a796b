using CooperationLedger.EventStore.Projections;

namespace CooperationLedger.Api.Hosting;

/// <summary>Runs the projection engine's daemon for as long as the service runs, restarting it after an unexpected failure.</summary>
public sealed class ProjectionDaemon(IServiceProvider services, ILogger<ProjectionDaemon> logger) : BackgroundService
{
    private static readonly TimeSpan RestartDelay = TimeSpan.FromSeconds(1);
    private int running;

    /// <summary>True while the daemon loop runs; readiness depends on it.</summary>
    public bool IsRunning => Volatile.Read(ref running) == 1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Resolved here, not in the constructor: the engine is built on the data source, which exists only once
        // LedgerStartup has started the database, after every hosted service was constructed.
        var engine = services.GetRequiredService<ProjectionEngine>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                Volatile.Write(ref running, 1);
                await engine.RunDaemonAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception failure)
            {
                Volatile.Write(ref running, 0);
                logger.LogError(failure, "The projection daemon stopped unexpectedly; restarting it in {Delay}.", RestartDelay);
                await Task.Delay(RestartDelay, stoppingToken);
            }
        }

        Volatile.Write(ref running, 0);
    }
}
