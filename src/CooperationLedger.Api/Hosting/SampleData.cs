using System.Text.Json;
using CooperationLedger.Api.Partnerships;
using Npgsql;
using NpgsqlTypes;

namespace CooperationLedger.Api.Hosting;

/// <summary>
/// Loads <c>samples/cto-school.json</c> (the partnerships of the seed articles) into an empty store, through the
/// same <see cref="PartnershipCommands"/> a client's POSTs go through, recorded by <c>sample-data</c>.
/// </summary>
public sealed class SampleData(PartnershipCommands commands, NpgsqlDataSource dataSource, ILogger<SampleData> logger)
{
    public const string RecordedBy = "sample-data";

    /// <summary>Taken while checking for emptiness and loading, so that two processes starting together load once.</summary>
    private const long LoadingLock = 0x4C45_4447_4552_0101;

    public static string FilePath => Path.Combine(AppContext.BaseDirectory, "samples", "cto-school.json");

    /// <returns>How many partnerships were loaded: none unless the store was empty.</returns>
    public async Task<int> LoadIntoEmptyStoreAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, "select pg_advisory_lock($1)", cancellationToken);
        try
        {
            await using (var any = new NpgsqlCommand("select exists (select 1 from ledger.streams)", connection))
            {
                if (await any.ExecuteScalarAsync(cancellationToken) is true)
                {
                    return 0;
                }
            }

            var loaded = await LoadAsync(cancellationToken);
            logger.LogInformation("Loaded {Count} sample partnerships from {File}.", loaded, FilePath);
            return loaded;
        }
        finally
        {
            await ExecuteAsync(connection, "select pg_advisory_unlock($1)", CancellationToken.None);
        }
    }

    private async Task<int> LoadAsync(CancellationToken cancellationToken)
    {
        using var sample = JsonDocument.Parse(await File.ReadAllBytesAsync(FilePath, cancellationToken));
        var recording = new Recording(RecordedBy);
        var count = 0;
        foreach (var partnership in sample.RootElement.GetProperty("partnerships").EnumerateArray())
        {
            var opening = await commands.OpenAsync(partnership.GetProperty("open"), recording, cancellationToken);
            if (opening is not Opened opened)
            {
                throw new InvalidDataException($"Sample partnership {count} could not be opened: {opening}");
            }

            if (partnership.TryGetProperty("events", out var entries) && entries.GetArrayLength() > 0)
            {
                var appending = await commands.AppendAsync(opened.PartnershipId, entries, expectedVersion: 1, recording, cancellationToken);
                if (appending is not Appended)
                {
                    throw new InvalidDataException($"The entries of sample partnership {count} could not be appended: {appending}");
                }
            }

            count++;
        }

        return count;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = LoadingLock });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
