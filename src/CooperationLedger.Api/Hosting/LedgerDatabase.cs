using CooperationLedger.EventStore.Hosting;
using CooperationLedger.EventStore.Schema;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CooperationLedger.Api.Hosting;

/// <summary>
/// The PostgreSQL the service uses: the one <c>ConnectionStrings:Ledger</c> names, or else a private server started
/// from the installed binaries on <c>Ledger:DataDirectory</c> (reused across restarts, stopped on shutdown).
/// Migrations, the store's and the API's, run at start-up either way.
/// </summary>
public sealed class LedgerDatabase(IConfiguration configuration, IOptions<LedgerOptions> options, ILogger<LedgerDatabase> logger) : IAsyncDisposable
{
    private const string EmbeddedDatabaseName = "ledger";

    /// <summary>Planned appends hold few connections at a time; their pool stays small beside the main one.</summary>
    private const int AppendPoolSize = 20;

    /// <summary>
    /// How many statements each daemon connection keeps prepared: the frontier's call, the page read, the checkpoint's
    /// move and each projection's writes, with room for a rebuild's.
    /// </summary>
    private const int DaemonPreparedStatements = 32;

    /// <summary>
    /// With array parameters PostgreSQL judges a plan made for the values at hand no dearer than a generic one, and so
    /// plans the statements of ledger.append_single_events, ledger.append_events and the summaries' upsert afresh on
    /// every call. Their generic plans find rows by key (docs/benchmarks.md, session 9). Set once per connection, not
    /// as a startup option, which a connection pooler such as PgBouncer may refuse.
    /// </summary>
    private const string GenericPlansOnly = "set plan_cache_mode = force_generic_plan";

    private NpgsqlDataSource? dataSource;
    private NpgsqlDataSource? appendDataSource;
    private NpgsqlDataSource? daemonDataSource;
    private LocalPostgres? embeddedServer;

    public NpgsqlDataSource DataSource =>
        dataSource ?? throw new InvalidOperationException("The ledger database is used before the service started it.");

    /// <summary>
    /// The same database for the projection engine's planned appends, without Npgsql's session reset when a pooled
    /// connection is taken again (seven statements each time): a planned append leaves no session state behind. Its
    /// sessions plan every statement once (<see cref="GenericPlansOnly"/>).
    /// </summary>
    public NpgsqlDataSource AppendDataSource =>
        appendDataSource ?? throw new InvalidOperationException("The ledger database is used before the service started it.");

    /// <summary>
    /// The same database for the projection daemon, which prepares the statements it repeats (<c>Max Auto Prepare</c>).
    /// Only the daemon's: each ran no slower prepared than planned afresh (pg_stat_statements, docs/benchmarks.md,
    /// session 7), and the service's other statements were not checked.
    /// </summary>
    public NpgsqlDataSource DaemonDataSource =>
        daemonDataSource ?? throw new InvalidOperationException("The ledger database is used before the service started it.");

    /// <summary>True when no connection string is configured and the service runs its own PostgreSQL.</summary>
    public bool IsEmbedded => string.IsNullOrWhiteSpace(configuration.GetConnectionString(LedgerOptions.ConnectionStringName));

    /// <summary>The embedded server's data directory; null with a configured connection string.</summary>
    public string? EmbeddedDataDirectory => embeddedServer?.DataDirectory;

    public bool MigrationsApplied { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var connectionString = IsEmbedded
            ? await StartEmbeddedServerAsync(cancellationToken)
            : configuration.GetConnectionString(LedgerOptions.ConnectionStringName)!;
        dataSource = new NpgsqlDataSourceBuilder(connectionString) { Name = "cooperation-ledger" }.Build();
        appendDataSource = new NpgsqlDataSourceBuilder(connectionString)
        {
            Name = "cooperation-ledger-appends",
            ConnectionStringBuilder = { NoResetOnClose = true, MaxPoolSize = AppendPoolSize },
        }.UsePhysicalConnectionInitializer(PlanGenerically, PlanGenericallyAsync).Build();
        daemonDataSource = new NpgsqlDataSourceBuilder(connectionString)
        {
            Name = "cooperation-ledger-daemon",
            ConnectionStringBuilder = { MaxAutoPrepare = DaemonPreparedStatements, AutoPrepareMinUsages = 2 },
        }.Build();
        var applied = await LedgerSchema.MigrateAsync(dataSource, LedgerSchema.EmbeddedIn(typeof(LedgerDatabase).Assembly), cancellationToken);
        if (applied.Count > 0)
        {
            logger.LogInformation("Applied migrations {Versions}.", string.Join(", ", applied));
        }

        MigrationsApplied = true;
    }

    /// <summary>True when the database answers a query now.</summary>
    public async Task<bool> AnswersAsync(CancellationToken cancellationToken)
    {
        if (dataSource is null)
        {
            return false;
        }

        try
        {
            await using var command = dataSource.CreateCommand("select 1");
            return await command.ExecuteScalarAsync(cancellationToken) is 1;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (dataSource is not null)
        {
            await dataSource.DisposeAsync();
        }

        if (appendDataSource is not null)
        {
            await appendDataSource.DisposeAsync();
        }

        if (daemonDataSource is not null)
        {
            await daemonDataSource.DisposeAsync();
        }

        if (embeddedServer is not null)
        {
            logger.LogInformation("Stopping the embedded PostgreSQL in {DataDirectory}.", embeddedServer.DataDirectory);
            await embeddedServer.DisposeAsync();
            embeddedServer = null;
        }
    }

    private static void PlanGenerically(NpgsqlConnection connection)
    {
        using var command = new NpgsqlCommand(GenericPlansOnly, connection);
        command.ExecuteNonQuery();
    }

    private static async Task PlanGenericallyAsync(NpgsqlConnection connection)
    {
        await using var command = new NpgsqlCommand(GenericPlansOnly, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<string> StartEmbeddedServerAsync(CancellationToken cancellationToken)
    {
        var configured = options.Value.DataDirectory;
        var dataDirectory = string.IsNullOrWhiteSpace(configured) ? LedgerDataDirectory.Default : configured;
        if (string.IsNullOrWhiteSpace(configured) && dataDirectory == LedgerDataDirectory.ForRoot)
        {
            logger.LogWarning(
                "Running as root: the embedded PostgreSQL runs as the postgres OS user, which cannot enter /root, so its data is in {DataDirectory} (set Ledger:DataDirectory to choose).",
                dataDirectory);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(dataDirectory))!);
        embeddedServer = await LocalPostgres.StartAsync(new LocalPostgresOptions { DataDirectory = dataDirectory }, cancellationToken);
        logger.LogInformation("Embedded PostgreSQL is running on port {Port} with its data in {DataDirectory}.", embeddedServer.Port, embeddedServer.DataDirectory);

        await using (var server = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(embeddedServer.ConnectionString) { Pooling = false }.ConnectionString))
        {
            await server.OpenAsync(cancellationToken);
            await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", server);
            exists.Parameters.Add(new() { Value = EmbeddedDatabaseName });
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await using var create = new NpgsqlCommand($"create database {EmbeddedDatabaseName}", server);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        return new NpgsqlConnectionStringBuilder(embeddedServer.ConnectionString) { Database = EmbeddedDatabaseName }.ConnectionString;
    }
}
