using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace CooperationLedger.EventStore.Projections;

/// <summary>
/// Which generation of each projection readers should use, cached for a short while: a swap in this process updates
/// it at once; one in another process is seen when the entry next goes stale (the old tables outlive that).
/// </summary>
/// <remarks>
/// Each entry is stamped with the moment its reading began, and only a reading that began later replaces it. A
/// refresh that queried the checkpoints before a swap committed, but finished after the swapping leader remembered
/// the new generation, would otherwise put the old one back for a whole cache duration. The newest generation number
/// cannot stand in for the stamp: a rollback lowers it.
/// </remarks>
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
        var readSince = Stopwatch.GetTimestamp();
        using (var command = dataSource.CreateCommand(GenerationsSql))
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                Remember(reader.GetString(0), reader.GetInt64(1), readSince);
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
        var readSince = Stopwatch.GetTimestamp();
        await using var command = dataSource.CreateCommand(GenerationsSql);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            Remember(reader.GetString(0), reader.GetInt64(1), readSince);
        }
    }

    /// <summary>A generation known from now on, as a leader knows the one it has just committed a swap to.</summary>
    public void Remember(string name, long generation) => Remember(name, generation, Stopwatch.GetTimestamp());

    /// <param name="readSince">The <see cref="Stopwatch"/> timestamp taken before the reading that found it began.</param>
    public void Remember(string name, long generation, long readSince) =>
        entries.AddOrUpdate(
            name,
            static (_, read) => read,
            static (_, known, read) => read.ReadSince >= known.ReadSince ? read : known,
            new Entry(generation, readSince));

    private long? Fresh(string name) =>
        entries.TryGetValue(name, out var entry) && Stopwatch.GetElapsedTime(entry.ReadSince) <= cacheDuration ? entry.Generation : null;

    private long Known(string name) =>
        entries.TryGetValue(name, out var entry)
            ? entry.Generation
            : throw new InvalidOperationException($"Projection '{name}' has no storage yet; call EnsureStorageAsync first.");

    private sealed record Entry(long Generation, long ReadSince);
}
