using System.Collections.Concurrent;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests.Projections;

/// <summary>What the feed hands to a projection that declares whether it reads the events' data (<see cref="IProjection.ReadsEventData"/>).</summary>
public sealed class EventDataReadingTests(PostgresServer server)
{
    private const string Name = "event-log";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public Task A_projection_that_reads_no_data_gets_every_other_column_and_a_clear_error_for_the_data_and_source() =>
        WithEventsAppliedAsync(readsEventData: false, async (database, log, _) =>
        {
            var stored = await database.Store.ReadAllAsync(0, 10, Cancellation);
            var received = log.Received.Where(entry => entry.Generation == 0).Select(entry => entry.Event).ToList();
            Assert.Equal(stored.Select(Headers), received.Select(Headers));
            foreach (var recorded in received)
            {
                AssertNotRead(() => recorded.Data);
                AssertNotRead(() => recorded.DataJson);
                AssertNotRead(() => recorded.Source);
                AssertNotRead(() => recorded.SourceJson);
                Assert.Contains($"Sequence = {recorded.Sequence}", recorded.ToString(), StringComparison.Ordinal);
            }
        });

    [Fact]
    public Task A_rebuild_of_a_projection_that_reads_no_data_reads_none_either() =>
        WithEventsAppliedAsync(readsEventData: false, async (_, log, host) =>
        {
            await host.Engine.StartRebuildAsync(Name, Cancellation);
            await Eventually.HoldsAsync(async () => (await host.Engine.GetStatusAsync(Name, Cancellation)) is { State: ProjectionState.Running, Rebuild: null }, TimeSpan.FromSeconds(10), "the rebuild to finish");

            var applied = log.Received.Where(entry => entry.Generation == 0).Select(entry => entry.Event.Sequence);
            var rebuilt = log.Received.Where(entry => entry.Generation > 0).Select(entry => entry.Event).ToList();
            Assert.Equal(applied, rebuilt.Select(recorded => recorded.Sequence));
            Assert.All(rebuilt, recorded => AssertNotRead(() => recorded.DataJson));
        });

    [Fact]
    public Task A_projection_that_reads_data_gets_the_data_and_source_as_stored() =>
        WithEventsAppliedAsync(readsEventData: true, async (database, log, _) =>
        {
            var stored = await database.Store.ReadAllAsync(0, 10, Cancellation);
            var received = log.Received.Select(entry => entry.Event).ToList();
            Assert.Equal(stored.Select(recorded => (recorded.DataJson, recorded.SourceJson, recorded.Data, recorded.Source)), received.Select(recorded => (recorded.DataJson, recorded.SourceJson, recorded.Data, recorded.Source)));
            Assert.NotNull(received[0].Source);
        });

    /// <summary>Two events, the first with a source, applied by the daemon to an <see cref="EventLogProjection"/>; then <paramref name="check"/>.</summary>
    private async Task WithEventsAppliedAsync(bool readsEventData, Func<LedgerDatabase, EventLogProjection, ProjectionHost, Task> check)
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var appended = await database.Store.StartStreamAsync(Guid.CreateVersion7(), PartnershipStream, EventsWithAndWithoutSource(), Recorder, Cancellation);
        var log = new EventLogProjection(readsEventData);
        await using var host = new ProjectionHost(database, [log]);
        host.StartDaemon();
        await host.Engine.WaitForNonStaleAsync(Name, appended.LastSequence, TimeSpan.FromSeconds(5), Cancellation);
        await check(database, log, host);
    }

    private static List<NewEvent> EventsWithAndWithoutSource() =>
        [Visit(attendees: 3) with { Source = new EventSource("news-article", "A visit", PublishedOn: new DateOnly(2024, 4, 9)) }, Visit(attendees: 5)];

    private static (long, Guid, Guid, long, string, int, OccurredAt, DateTimeOffset, string, string, string) Headers(RecordedEvent recorded) =>
        (recorded.Sequence, recorded.EventId, recorded.StreamId, recorded.Version, recorded.Type, recorded.SchemaVersion, recorded.OccurredAt,
         recorded.RecordedAt, recorded.RecordedBy, Convert.ToHexString(recorded.PrevHash), Convert.ToHexString(recorded.Hash));

    private static void AssertNotRead(Func<object?> read)
    {
        var refused = Assert.Throws<InvalidOperationException>(read);
        Assert.Contains(nameof(IProjection.ReadsEventData), refused.Message, StringComparison.Ordinal);
    }

    /// <summary>Keeps, in memory, every event applied and the generation it was applied to; it stores nothing.</summary>
    private sealed class EventLogProjection(bool readsEventData) : IProjection
    {
        public ConcurrentQueue<(long Generation, RecordedEvent Event)> Received { get; } = [];

        public string Name => EventDataReadingTests.Name;

        public ProjectionMode Mode => ProjectionMode.Async;

        public PoisonEventPolicy OnPoisonEvent => PoisonEventPolicy.Stop;

        public bool ReadsEventData => readsEventData;

        public Task CreateStorageAsync(ProjectionContext context, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
        {
            foreach (var recorded in events)
            {
                Received.Enqueue((context.Generation, recorded));
            }

            return Task.CompletedTask;
        }
    }
}
