using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests.Projections;

/// <summary>A projection whose code declares a new version gets fresh tables on start and is filled again from the ledger.</summary>
public sealed class ProjectionVersionTests(PostgresServer server)
{
    private const string Name = "visit-counts";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(ProjectionMode.Inline)]
    [InlineData(ProjectionMode.Async)]
    public async Task A_new_version_replaces_the_old_tables_and_is_filled_from_the_first_event(ProjectionMode mode)
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var streamId = Guid.CreateVersion7();
        await using (var before = new ProjectionHost(database, [new VisitCountProjection(Name, mode)], ProjectionHost.FastOptions))
        {
            await before.Engine.EnsureStorageAsync(Cancellation);
            await before.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.NoStream, [Visit(attendees: 5), Visit(attendees: 7)], Recorder, Cancellation);
        }

        await using var after = new ProjectionHost(database, [new VisitCountProjection(Name, mode) { Version = 2 }], ProjectionHost.FastOptions);
        await after.Engine.EnsureStorageAsync(Cancellation);

        Assert.Empty(await TablesOfGenerationAsync(after, 0));
        var status = await after.Engine.GetStatusAsync(Name, Cancellation);
        if (mode == ProjectionMode.Async)
        {
            Assert.Equal(0, status.Position);
        }
        else
        {
            // An inline projection serves appends at once; the rebuild beside it fills in the past.
            Assert.NotNull(status.Rebuild);
        }

        after.StartDaemon();
        await after.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(2), [Visit(attendees: 1)], Recorder, Cancellation);
        await Eventually.HoldsAsync(
            async () => await VisitCounts.AttendeesAsync(after, Name, streamId) == 13 && (await after.Engine.GetStatusAsync(Name, Cancellation)).Rebuild is null,
            TimeSpan.FromSeconds(10),
            "the new version to hold every visit");
        Assert.Equal(0, await VisitCounts.DuplicatesAsync(after, Name));
        Assert.Equal(await VisitCounts.CommittedVisitSequencesAsync(after), await VisitCounts.AppliedSequencesAsync(after, Name));
    }

    [Fact]
    public async Task The_same_version_keeps_its_tables_and_position()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var streamId = Guid.CreateVersion7();
        await using (var before = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Inline) { Version = 3 }]))
        {
            await before.Engine.EnsureStorageAsync(Cancellation);
            await before.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.NoStream, [Visit(attendees: 5)], Recorder, Cancellation);
        }

        await using var after = new ProjectionHost(database, [new VisitCountProjection(Name, ProjectionMode.Inline) { Version = 3 }]);
        await after.Engine.EnsureStorageAsync(Cancellation);

        Assert.NotEmpty(await TablesOfGenerationAsync(after, 0));
        Assert.Null((await after.Engine.GetStatusAsync(Name, Cancellation)).Rebuild);
        Assert.Equal(5, await VisitCounts.AttendeesAsync(after, Name, streamId));
    }

    private static async Task<List<string>> TablesOfGenerationAsync(ProjectionHost host, long generation)
    {
        await using var command = host.DataSource.CreateCommand("select tablename from pg_tables where schemaname = 'projections' and tablename like $1 order by tablename");
        command.Parameters.AddWithValue($"visit\\_counts\\_\\_%\\_\\_g{generation}");
        await using var reader = await command.ExecuteReaderAsync(Cancellation);
        var tables = new List<string>();
        while (await reader.ReadAsync(Cancellation))
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }
}
