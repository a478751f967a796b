using System.Security.Cryptography;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using CooperationLedger.Integration.Tests.Infrastructure;
using Npgsql;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests.Projections;

/// <summary>
/// Appends whose inline projection planned its rows: one round trip, one implicit transaction, and the usual way
/// (append, read back, apply) whenever a premise of the plan does not hold.
/// </summary>
public sealed class PlannedInlineAppendTests(PostgresServer server)
{
    private const string Name = "planned-attendees";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_planned_append_writes_its_rows_without_the_projection_applying_anything()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var projection = new PlannedAttendeesProjection(Name);
        await using var host = await StartAsync(database, projection);
        var streamId = Guid.CreateVersion7();

        var first = await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.NoStream, [Visit(attendees: 5), Visit(attendees: 7)], Recorder, Cancellation);
        var second = await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(2), [Visit(attendees: 1)], Recorder, Cancellation);

        Assert.Empty(projection.Applied);
        Assert.Equal([first, second], projection.Committed);
        Assert.Equal((13, 3), await projection.RowAsync(host, streamId, Cancellation));
        Assert.Equal(3, (await host.Store.ReadStreamAsync(streamId, cancellationToken: Cancellation)).Count);
    }

    [Fact]
    public async Task A_statement_of_the_plan_that_fails_takes_the_append_with_it()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var projection = new PlannedAttendeesProjection(Name);
        await using var host = await StartAsync(database, projection);
        var streamId = Guid.CreateVersion7();
        await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.NoStream, [Visit(attendees: 5)], Recorder, Cancellation);

        var error = await Assert.ThrowsAsync<PostgresException>(() => host.Engine.AppendWithInlineProjectionsAsync(
            streamId, PartnershipStream, ExpectedVersion.Exactly(1), [Visit(attendees: 3), Visit(VisitCountProjection.PoisonOrganisation)], Recorder, Cancellation));

        Assert.Equal(PostgresErrorCodes.DivisionByZero, error.SqlState);
        Assert.Single(await host.Store.ReadStreamAsync(streamId, cancellationToken: Cancellation));
        Assert.Equal(1, (await host.Store.GetStreamStateAsync(streamId, Cancellation))!.Version);
        Assert.Equal((5, 1), await projection.RowAsync(host, streamId, Cancellation));
        Assert.Single(projection.Committed);
    }

    [Fact]
    public async Task A_plan_built_on_an_event_that_is_not_stored_is_refused_and_the_append_goes_the_usual_way()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var projection = new PlannedAttendeesProjection(Name) { BuiltOn = append => append.PreviousVersion == 0 ? null : RandomNumberGenerator.GetBytes(32) };
        await using var host = await StartAsync(database, projection);
        var streamId = Guid.CreateVersion7();
        await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.NoStream, [Visit(attendees: 5)], Recorder, Cancellation);

        var appended = await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(1), [Visit(attendees: 3)], Recorder, Cancellation);

        // The first append started the stream, so it built on nothing and was planned; the second was refused.
        Assert.Single(projection.Committed);
        Assert.Equal(appended.Events.Select(appendedEvent => appendedEvent.Sequence), Assert.Single(projection.Applied).Select(recorded => recorded.Sequence));
        Assert.Equal((8, 2), await projection.RowAsync(host, streamId, Cancellation));
        Assert.Equal(2, (await host.Store.ReadStreamAsync(streamId, cancellationToken: Cancellation)).Count);
    }

    [Fact]
    public async Task A_plan_built_on_the_stored_event_is_accepted()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        byte[]? lastHash = null;
        var projection = new PlannedAttendeesProjection(Name) { BuiltOn = append => append.PreviousVersion == 0 ? null : lastHash };
        await using var host = await StartAsync(database, projection);
        var streamId = Guid.CreateVersion7();
        lastHash = (await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.NoStream, [Visit(attendees: 5)], Recorder, Cancellation)).Events[^1].Hash;

        await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(1), [Visit(attendees: 3)], Recorder, Cancellation);

        Assert.Equal(2, projection.Committed.Count);
        Assert.Empty(projection.Applied);
        Assert.Equal((8, 2), await projection.RowAsync(host, streamId, Cancellation));
    }

    [Fact]
    public async Task An_append_with_an_idempotency_key_is_not_planned_and_its_retry_writes_no_rows()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var projection = new PlannedAttendeesProjection(Name);
        await using var host = await StartAsync(database, projection);
        var streamId = Guid.CreateVersion7();
        var keyed = Recorder with { IdempotencyKey = "visit-1" };

        var first = await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.NoStream, [Visit(attendees: 5)], keyed, Cancellation);
        var retry = await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.NoStream, [Visit(attendees: 5)], keyed, Cancellation);

        Assert.True(retry.WasDuplicate);
        Assert.Equal(first.Events.Select(appendedEvent => appendedEvent.EventId), retry.Events.Select(appendedEvent => appendedEvent.EventId));
        Assert.Empty(projection.Committed);
        Assert.Single(projection.Applied);
        Assert.Equal((5, 1), await projection.RowAsync(host, streamId, Cancellation));
    }

    [Fact]
    public async Task A_planned_append_at_a_version_the_stream_has_left_writes_nothing()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var projection = new PlannedAttendeesProjection(Name);
        await using var host = await StartAsync(database, projection);
        var streamId = Guid.CreateVersion7();
        await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.NoStream, [Visit(attendees: 5), Visit(attendees: 6)], Recorder, Cancellation);

        var conflict = await Assert.ThrowsAsync<ConcurrencyException>(() => host.Engine.AppendWithInlineProjectionsAsync(
            streamId, PartnershipStream, ExpectedVersion.Exactly(1), [Visit(attendees: 3)], Recorder, Cancellation));

        Assert.Equal(2, conflict.Actual);
        Assert.Equal((11, 2), await projection.RowAsync(host, streamId, Cancellation));
        Assert.Single(projection.Committed);
    }

    [Fact]
    public async Task Planned_appends_go_through_their_own_data_source_whose_connections_are_reused_without_a_reset()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        await using var appendSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            ApplicationName = "planned-appends",
            NoResetOnClose = true,
            MaxPoolSize = 1,
        }.ConnectionString);
        var projection = new PlannedAttendeesProjection(Name);
        await using var host = new ProjectionHost(database, [projection], plannedAppendDataSource: appendSource);
        await host.Engine.EnsureStorageAsync(Cancellation);
        var streamId = Guid.CreateVersion7();

        // One pooled connection, so every append after the first takes it again as the one before left it.
        for (var version = 0; version < 5; version++)
        {
            await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, version == 0 ? ExpectedVersion.NoStream : ExpectedVersion.Exactly(version), [Visit(attendees: 2)], Recorder, Cancellation);
        }

        Assert.Equal(5, projection.Committed.Count);
        Assert.Equal((10, 5), await projection.RowAsync(host, streamId, Cancellation));
        await using var sessions = host.DataSource.CreateCommand("select count(*) from pg_stat_activity where application_name = 'planned-appends' and datname = current_database()");
        Assert.Equal(1L, await sessions.ExecuteScalarAsync(Cancellation));
    }

    [Fact]
    public async Task Writers_racing_on_one_stream_with_planned_appends_each_win_a_version_once_and_lose_nothing()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var projection = new PlannedAttendeesProjection(Name);
        await using var host = await StartAsync(database, projection);
        var streamId = Guid.CreateVersion7();
        await host.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.NoStream, [Visit(attendees: 1)], Recorder, Cancellation);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => host.AppendAgainOnConflictAsync(streamId, entries: 15, attendees: 1, Cancellation), Cancellation)));

        Assert.Equal((121, 121), await projection.RowAsync(host, streamId, Cancellation));
        Assert.Equal(Enumerable.Range(1, 121).Select(version => (long)version), projection.Committed.Select(result => result.LastVersion).Order());
        Assert.Empty(projection.Applied);
    }

    [Fact]
    public async Task A_plan_for_a_generation_another_process_swapped_out_goes_the_usual_way_into_the_new_one()
    {
        await using var database = await LedgerDatabase.CreateAsync(server);
        var projectionA = new PlannedAttendeesProjection(Name);
        await using var hostA = await StartAsync(database, projectionA, ProjectionHost.FastOptions with { ActiveGenerationCacheDuration = TimeSpan.FromHours(1) });
        var streamId = Guid.CreateVersion7();
        await hostA.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.NoStream, [Visit(attendees: 5)], Recorder, Cancellation);

        await using var hostB = new ProjectionHost(database, [new PlannedAttendeesProjection(Name)], applicationName: "projection-tests-b");
        await hostB.Engine.StartRebuildAsync(Name, Cancellation);
        hostB.StartDaemon();
        await Eventually.HoldsAsync(async () => (await hostB.Engine.GetStatusAsync(Name, Cancellation)) is { State: ProjectionState.Running, Rebuild: null }, TimeSpan.FromSeconds(10), "host B's swap");
        await Eventually.HoldsAsync(async () => !await TableExistsAsync(hostB, $"{Name.Replace('-', '_')}__streams__g0"), TimeSpan.FromSeconds(10), "host B to drop the retired generation");

        // On a new connection the plan's statements are not prepared yet, so the missing table is what the database meets first.
        hostA.DataSource.Clear();
        var appended = await hostA.Engine.AppendWithInlineProjectionsAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(1), [Visit(attendees: 3)], Recorder, Cancellation);

        Assert.Equal(appended.LastSequence, Assert.Single(projectionA.Applied)[^1].Sequence);
        Assert.EndsWith("__g1\"", await hostA.Engine.ActiveTableAsync(Name, PlannedAttendeesProjection.TableBaseName, Cancellation));
        Assert.Equal((8, 2), await projectionA.RowAsync(hostA, streamId, Cancellation));
    }

    private static async Task<ProjectionHost> StartAsync(LedgerDatabase database, PlannedAttendeesProjection projection, ProjectionEngineOptions? options = null)
    {
        var host = new ProjectionHost(database, [projection], options);
        await host.Engine.EnsureStorageAsync(Cancellation);
        return host;
    }

    private static async Task<bool> TableExistsAsync(ProjectionHost host, string table)
    {
        await using var command = host.DataSource.CreateCommand("select exists (select from pg_tables where schemaname = 'projections' and tablename = $1)");
        command.Parameters.Add(new() { Value = table });
        return (bool)(await command.ExecuteScalarAsync(Cancellation))!;
    }
}
