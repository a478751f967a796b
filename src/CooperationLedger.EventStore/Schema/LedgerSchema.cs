using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace CooperationLedger.EventStore.Schema;

/// <summary>
/// Applies the embedded migrations to schema <c>ledger</c> at start-up. Idempotent, and safe when several processes
/// start together: they queue on an advisory lock, and each migration is applied once, in its own transaction, and
/// recorded in <c>ledger.migrations</c> with a checksum so an edited, already-applied script is refused.
/// </summary>
public static class LedgerSchema
{
    private const string ResourceFolder = ".Migrations.";

    private static readonly Lazy<IReadOnlyList<LedgerMigration>> EmbeddedMigrations = new(() => EmbeddedIn(typeof(LedgerSchema).Assembly));

    public static IReadOnlyList<LedgerMigration> Migrations => EmbeddedMigrations.Value;

    /// <returns>The versions this call applied; empty when the schema was already current.</returns>
    public static Task<IReadOnlyList<int>> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default) =>
        MigrateAsync(dataSource, hostMigrations: [], cancellationToken);

    /// <summary>
    /// Applies the store's migrations and those of a host that keeps tables of its own in the ledger's database, in
    /// one version order; the host numbers its migrations apart from the store's (the API uses 1001 and up).
    /// </summary>
    /// <returns>The versions this call applied; empty when the schema was already current.</returns>
    public static async Task<IReadOnlyList<int>> MigrateAsync(NpgsqlDataSource dataSource, IReadOnlyList<LedgerMigration> hostMigrations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(hostMigrations);
        var migrations = InVersionOrder(Migrations.Concat(hostMigrations));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, "select pg_advisory_lock($1)", LedgerAdvisoryLocks.Migrations, cancellationToken);
        try
        {
            await ExecuteAsync(connection, """
                create schema if not exists ledger;
                create table if not exists ledger.migrations (
                    version integer primary key,
                    name text not null,
                    checksum text not null,
                    applied_at timestamptz not null default clock_timestamp()
                );
                """, parameter: null, cancellationToken);
            var applied = await ReadAppliedChecksumsAsync(connection, cancellationToken);
            var appliedNow = new List<int>();
            foreach (var migration in migrations)
            {
                if (applied.TryGetValue(migration.Version, out var checksum))
                {
                    if (checksum != migration.Checksum)
                    {
                        throw new InvalidOperationException($"Migration {migration.Version} ({migration.Name}) was changed after it was applied; add a new migration instead.");
                    }

                    continue;
                }

                await ApplyAsync(connection, migration, cancellationToken);
                appliedNow.Add(migration.Version);
            }

            return appliedNow;
        }
        finally
        {
            await ExecuteAsync(connection, "select pg_advisory_unlock($1)", LedgerAdvisoryLocks.Migrations, CancellationToken.None);
        }
    }

    private static async Task ApplyAsync(NpgsqlConnection connection, LedgerMigration migration, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var script = new NpgsqlCommand(migration.Sql, connection, transaction))
        {
            await script.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var record = new NpgsqlCommand("insert into ledger.migrations (version, name, checksum) values ($1, $2, $3)", connection, transaction))
        {
            record.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = migration.Version });
            record.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = migration.Name });
            record.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = migration.Checksum });
            await record.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task<Dictionary<int, string>> ReadAppliedChecksumsAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select version, checksum from ledger.migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var applied = new Dictionary<int, string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            applied.Add(reader.GetInt32(0), reader.GetString(1));
        }

        return applied;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, long? parameter, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        if (parameter is { } value)
        {
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = value });
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The migrations embedded in <paramref name="assembly"/> as <c>Migrations/NNNN_name.sql</c>.</summary>
    public static IReadOnlyList<LedgerMigration> EmbeddedIn(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        return InVersionOrder(assembly.GetManifestResourceNames()
            .Where(name => name.Contains(ResourceFolder, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => Load(assembly, name)));
    }

    private static List<LedgerMigration> InVersionOrder(IEnumerable<LedgerMigration> unordered)
    {
        var migrations = unordered.OrderBy(migration => migration.Version).ToList();
        var duplicate = migrations.GroupBy(migration => migration.Version).FirstOrDefault(group => group.Count() > 1);
        return duplicate is null
            ? migrations
            : throw new InvalidOperationException($"Two migrations share version {duplicate.Key}: {string.Join(", ", duplicate.Select(migration => migration.Name))}.");
    }

    private static LedgerMigration Load(Assembly assembly, string resourceName)
    {
        var fileName = resourceName[(resourceName.LastIndexOf(ResourceFolder, StringComparison.Ordinal) + ResourceFolder.Length)..];
        var separator = fileName.IndexOf('_', StringComparison.Ordinal);
        if (separator <= 0 || !int.TryParse(fileName.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            throw new InvalidOperationException($"Migration {fileName} is not named NNNN_description.sql.");
        }

        using var stream = assembly.GetManifestResourceStream(resourceName)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        // Line endings are normalised so a checkout that converts them cannot change the checksum.
        var sql = reader.ReadToEnd().ReplaceLineEndings("\n");
        var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql)));
        return new LedgerMigration(version, Path.GetFileNameWithoutExtension(fileName), sql, checksum);
    }
}
