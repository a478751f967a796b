using System.Diagnostics;
using CooperationLedger.EventStore.Projections;
using CooperationLedger.Integration.Tests.Infrastructure;

namespace CooperationLedger.Integration.Tests.Projections;

/// <summary>
/// The cache of which generation readers use, against the checkpoints a real engine stored: generation 0 until a
/// rebuild. The race it guards against is a refresh whose query began before a swap committed and whose answer
/// arrived after the swapping leader remembered the new generation.
/// </summary>
public sealed class ActiveGenerationsTests(PostgresServer server)
{
    private const string Name = "visit-counts";

    private static readonly TimeSpan LongerThanAnyTest = TimeSpan.FromMinutes(10);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_reading_that_began_before_a_swap_does_not_put_back_the_generation_the_swap_replaced()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = await HostWithStorageAsync(database);
        var generations = new ActiveGenerations(host.DataSource, LongerThanAnyTest);
        await generations.RefreshAsync(Cancellation);

        var refreshBegan = Stopwatch.GetTimestamp();
        generations.Remember(Name, 1);
        generations.Remember(Name, 0, readSince: refreshBegan);

        Assert.Equal(1, generations.Get(Name));
        Assert.Equal(1, await generations.GetAsync(Name, Cancellation));
    }

    [Fact]
    public async Task A_reading_that_began_after_a_swap_replaces_it_even_with_a_lower_generation()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var host = await HostWithStorageAsync(database);
        var generations = new ActiveGenerations(host.DataSource, LongerThanAnyTest);
        generations.Remember(Name, 7);

        // As after a swap another process rolled back: the checkpoints, read later, are what holds.
        await generations.RefreshAsync(Cancellation);

        Assert.Equal(0, generations.Get(Name));
    }

    private static async Task<ProjectionHost> HostWithStorageAsync(LedgerDatabase database)
    {
        var host = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Async)]);
        await host.Engine.EnsureStorageAsync(Cancellation);
        return host;
    }
}
