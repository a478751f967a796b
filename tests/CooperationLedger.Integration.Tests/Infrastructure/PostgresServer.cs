using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using CooperationLedger.EventStore.Hosting;
using CooperationLedger.EventStore.Schema;
using Npgsql;

namespace CooperationLedger.Integration.Tests.Infrastructure;

/// <summary>
/// The one PostgreSQL server of a test run (an xunit assembly fixture): a throwaway cluster started with
/// <see cref="LocalPostgres"/>, or the server named by <c>LEDGER_TEST_CONNECTION</c> (a superuser connection
/// string), in which case none is started. Hands out fresh databases cloned from a template that already has the
/// ledger schema, which is much faster than migrating each one.
/// </summary>
public sealed partial class PostgresServer : IAsyncLifetime
{
    public const string ExternalServerVariable = "LEDGER_TEST_CONNECTION";

    private readonly string runId = Guid.NewGuid().ToString("N")[..10];
    private readonly ConcurrentDictionary<string, byte> createdDatabases = new();
    private LocalPostgres? localServer;
    private int databaseCounter;

    /// <summary>True when <c>LEDGER_TEST_CONNECTION</c> names a server, so the run must start none of its own.</summary>
    public static bool UsesExternalServer => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ExternalServerVariable));

    /// <summary>Superuser connection to the server's maintenance database.</summary>
    public string AdminConnectionString { get; private set; } = "";

    /// <summary>True when this run started its own cluster rather than using <c>LEDGER_TEST_CONNECTION</c>.</summary>
    public bool IsLocal => localServer is not null;

    private string TemplateDatabase => $"ledger_template_{runId}";

    public async ValueTask InitializeAsync()
    {
        if (UsesExternalServer)
        {
            AdminConnectionString = Environment.GetEnvironmentVariable(ExternalServerVariable)!;
        }
        else
        {
            localServer = await LocalPostgres.StartAsync(new LocalPostgresOptions
            {
                DataDirectory = Path.Combine(Path.GetTempPath(), $"ledger-tests-{runId}"),
                ServerSettings = LocalPostgresOptions.ThrowawayClusterSettings,
                DeleteDataDirectoryOnDispose = true,
            });
            AdminConnectionString = localServer.ConnectionString;
        }

        await ExecuteAsync($"create database {TemplateDatabase}");
        createdDatabases.TryAdd(TemplateDatabase, 0);
        await using (var template = NpgsqlDataSource.Create(ConnectionStringFor(TemplateDatabase)))
        {
            await LedgerSchema.MigrateAsync(template);
        }

        // CREATE DATABASE ... TEMPLATE refuses while anyone is connected to the template.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>
    /// Creates an empty database, with the ledger schema already applied unless <paramref name="withLedgerSchema"/>
    /// is false, and returns a superuser connection string to it.
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string? name = null, bool withLedgerSchema = true)
    {
        name ??= $"ledger_test_{runId}_{Interlocked.Increment(ref databaseCounter)}";
        if (!IdentifierPattern().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a plain lower-case database name.", nameof(name));
        }

        await ExecuteAsync($"create database {name} template {(withLedgerSchema ? TemplateDatabase : "template0")}");
        createdDatabases.TryAdd(name, 0);
        return ConnectionStringFor(name);
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        await ExecuteAsync($"drop database if exists {name} with (force)");
        createdDatabases.TryRemove(name, out _);
    }

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = database }.ConnectionString;

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (localServer is not null)
        {
            await localServer.DisposeAsync();
            return;
        }

        foreach (var name in createdDatabases.Keys)
        {
            await ExecuteAsync($"drop database if exists {name} with (force)");
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]*$")]
    private static partial Regex IdentifierPattern();
}
