using CooperationLedger.EventStore.Hosting;
using CooperationLedger.EventStore.Schema;
using Npgsql;

namespace CooperationLedger.Benchmarks;

/// <summary>
/// A private PostgreSQL cluster for one benchmark run, with the ledger schema applied. Every suite measures its
/// baseline and the ledger against this same server, so the ratios do not depend on the machine.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly LocalPostgres server;

    private BenchServer(LocalPostgres server, NpgsqlDataSource dataSource, bool durable)
    {
        this.server = server;
        DataSource = dataSource;
        Durable = durable;
    }

    public NpgsqlDataSource DataSource { get; }

    public string ConnectionString => server.ConnectionString;

    /// <summary>False: fsync and synchronous commit are off, so the figures show CPU and protocol cost, not the disk.</summary>
    public bool Durable { get; }

    public static async Task<BenchServer> StartAsync(bool durable)
    {
        var server = await LocalPostgres.StartAsync(new LocalPostgresOptions
        {
            DataDirectory = Path.Combine(Path.GetTempPath(), $"ledger-bench-{Guid.NewGuid():N}"),
            ServerSettings = durable
                ? new Dictionary<string, string> { ["max_connections"] = "200" }
                : new Dictionary<string, string>(LocalPostgresOptions.ThrowawayClusterSettings) { ["max_connections"] = "200" },
            DeleteDataDirectoryOnDispose = true,
        });
        var dataSource = NpgsqlDataSource.Create(server.ConnectionString);
        await LedgerSchema.MigrateAsync(dataSource);
        return new BenchServer(server, dataSource, durable);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var command = DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        await server.DisposeAsync();
    }
}
