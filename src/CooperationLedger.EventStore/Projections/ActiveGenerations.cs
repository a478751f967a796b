using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace CooperationLedger.EventStore.Projections;

/// <summary>
/// Which generation of each projection readers should use, cached for a short while: a swap in this process updates
/// it at once; one in another process is seen when the entry next goes stale (the old tables outlive that).
/// </summary>
internal sealed class ActiveGenerations(NpgsqlDataSource dataSource, TimeSpan cacheDuration)
{
    private const string GenerationsSql = "select name, generation from ledger.projection_checkpoints";

    private readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);

    public long Get(string name)
    {
        if (Fresh(name) is { } generation)
        {
            return generation;
        }

        // Synchronous because ActiveTable is; it runs at most once per cache duration.
        using (var command = dataSource.CreateCommand(GenerationsSql))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                Remember(reader.GetString(0), reader.GetInt64(1));
            }
        }

        return Known(name);
    }

    public async Task<long> GetAsync(string name, CancellationToken cancellationToken)
    {
        if (Fresh(name) is { } generation)
        {
            return generation;
        }

        await RefreshAsync(cancellationToken);
        return Known(name);
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(GenerationsSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            Remember(reader.GetString(0), reader.GetInt64(1));
        }
    }

    public void Remember(string name, long generation) => entries[name] = new Entry(generation, Stopwatch.GetTimestamp());

    private long? Fresh(string name) =>
        entries.TryGetValue(name, out var entry) && Stopwatch.GetElapsedTime(entry.FetchedAt) <= cacheDuration ? entry.Generation : null;

    private long Known(string name) =>
        entries.TryGetValue(name, out var entry)
            ? entry.Generation
            : throw new InvalidOperationException($"Projection '{name}' has no storage yet; call EnsureStorageAsync first.");

    private sealed record Entry(long Generation, long FetchedAt);
}
