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
