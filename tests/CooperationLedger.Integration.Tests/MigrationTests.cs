using CooperationLedger.EventStore.Schema;
using CooperationLedger.Integration.Tests.Infrastructure;
using Npgsql;

namespace CooperationLedger.Integration.Tests;

public sealed class MigrationTests(PostgresServer server)
{
    [Fact]
    public async Task Migrating_applies_every_embedded_migration_once_and_again_does_nothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync(withLedgerSchema: false));

        var first = await LedgerSchema.MigrateAsync(dataSource, TestContext.Current.CancellationToken);
        var second = await LedgerSchema.MigrateAsync(dataSource, TestContext.Current.CancellationToken);

        Assert.Equal(LedgerSchema.Migrations.Select(migration => migration.Version), first);
        Assert.Contains(1, first);
        Assert.Empty(second);
        Assert.Equal(
            LedgerSchema.Migrations.Select(migration => $"{migration.Version} {migration.Name} {migration.Checksum}"),
            await ReadRecordedMigrationsAsync(dataSource));
        Assert.Equal(3L, await ScalarAsync<long>(dataSource, "select count(*) from information_schema.tables where table_schema = 'ledger' and table_name in ('streams', 'events', 'idempotency_keys')"));
    }

    [Fact]
    public async Task Runners_starting_together_apply_each_migration_exactly_once()
    {
        const int runners = 6;
        var connectionString = await server.CreateDatabaseAsync(withLedgerSchema: false);
        var dataSources = Enumerable.Range(0, runners).Select(_ => NpgsqlDataSource.Create(connectionString)).ToList();
        try
        {
            var startingGun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var runs = dataSources.Select(dataSource => Task.Run(async () =>
            {
                await startingGun.Task;
                return await LedgerSchema.MigrateAsync(dataSource, TestContext.Current.CancellationToken);
            })).ToArray();
            startingGun.SetResult();
            var applied = await Task.WhenAll(runs);

            Assert.Equal(LedgerSchema.Migrations.Select(migration => migration.Version), applied.SelectMany(versions => versions).Order());
            Assert.Equal(LedgerSchema.Migrations.Count, (await ReadRecordedMigrationsAsync(dataSources[0])).Count);
        }
        finally
        {
            foreach (var dataSource in dataSources)
            {
                await dataSource.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task An_applied_migration_that_was_edited_is_refused()
    {
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync(withLedgerSchema: false));
        await LedgerSchema.MigrateAsync(dataSource, TestContext.Current.CancellationToken);
        await ScalarAsync<int>(dataSource, "update ledger.migrations set checksum = 'edited' where version = 1 returning version");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => LedgerSchema.MigrateAsync(dataSource, TestContext.Current.CancellationToken));

        Assert.Contains("Migration 1", error.Message);
    }

    [Fact]
    public void Migrations_are_embedded_in_version_order()
    {
        var versions = LedgerSchema.Migrations.Select(migration => migration.Version).ToList();

        Assert.NotEmpty(versions);
        Assert.Equal(1, versions[0]);
        Assert.Equal(versions.Order(), versions);
        Assert.Equal("0001_event_store", LedgerSchema.Migrations[0].Name);
        Assert.Contains("create function ledger.append_events", LedgerSchema.Migrations[0].Sql);
    }

    private static async Task<List<string>> ReadRecordedMigrationsAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand("select version, name, checksum from ledger.migrations order by version");
        await using var reader = await command.ExecuteReaderAsync();
        var recorded = new List<string>();
        while (await reader.ReadAsync())
        {
            recorded.Add($"{reader.GetInt32(0)} {reader.GetString(1)} {reader.GetString(2)}");
        }

        return recorded;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
