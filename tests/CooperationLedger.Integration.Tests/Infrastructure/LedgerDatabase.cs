using CooperationLedger.EventStore;
using Npgsql;

namespace CooperationLedger.Integration.Tests.Infrastructure;

/// <summary>
/// A fresh database with the ledger schema, its data source and a ready store over <see cref="TestEventTypes"/>.
/// Use it as a class fixture (<c>IClassFixture&lt;LedgerDatabase&gt;</c>: one database per test class) or, where a
/// test needs a database of its own, with <see cref="CreateAsync"/>. The connection is a superuser's, so tests can
/// bypass the append-only triggers on purpose.
/// </summary>
public sealed class LedgerDatabase(PostgresServer server) : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public LedgerEventStore Store { get; private set; } = null!;

    public PostgresServer Server => server;

    public static async Task<LedgerDatabase> CreateAsync(PostgresServer server)
    {
        var database = new LedgerDatabase(server);
        await database.InitializeAsync();
        return database;
    }

    public async ValueTask InitializeAsync()
    {
        ConnectionString = await server.CreateDatabaseAsync();
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        Store = new LedgerEventStore(DataSource, TestEventTypes.CreateRegistry());
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await server.DropDatabaseAsync(ConnectionString);
    }

    public async Task<int> ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Writes a partnership stream of one event the way an older build might have left it, past the store's append
    /// function and its checks, so that reads meet data of any type, schema version or shape.
    /// </summary>
    /// <returns>The event's sequence.</returns>
    public async Task<long> InsertOldRowAsync(Guid streamId, string type, int schemaVersion, string data)
    {
        var literal = data.Replace("'", "''", StringComparison.Ordinal);
        return await ScalarAsync<long>($"""
            insert into ledger.streams (id, type, version, created, updated)
            values ('{streamId}', '{LedgerEvents.PartnershipStream}', 1, now(), now());
            insert into ledger.events (event_id, stream_id, version, type, schema_version, data,
                                       occurred_at, occurred_at_is_date, recorded_at, recorded_by, prev_hash, hash)
            values ('{Guid.CreateVersion7()}', '{streamId}', 1, '{type}', {schemaVersion}, '{literal}'::jsonb,
                    '2019-04-01', true, now(), 'migration-2019', '\x', '\x00')
            returning sequence;
            """);
    }

    /// <summary>Runs SQL as a superuser with triggers switched off, the way someone with full database access could tamper.</summary>
    public async Task TamperAsync(string sql)
    {
        await using var connection = await DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // SET LOCAL, so the pooled connection does not go back with the triggers still off.
        await using var command = new NpgsqlCommand($"set local session_replication_role = replica; {sql}", connection, transaction);
        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
    }
}
