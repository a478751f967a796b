using CooperationLedger.Domain;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using NpgsqlTypes;

namespace CooperationLedger.Api.Ledger;

/// <summary>A partnership's history after a batch of events: what the read model held, with the batch's entries added.</summary>
public sealed record MergedHistory(Guid PartnershipId, IReadOnlyList<RecordedEntry> Entries);

/// <summary>The step both partnership read models share: merge a batch into the histories their table keeps.</summary>
public static class StreamHistories
{
    /// <param name="table">A table of the context's generation with columns <c>id uuid</c> and <c>history jsonb</c>.</param>
    /// <param name="keep">Which entries the read model needs; the others are not stored.</param>
    /// <param name="committed">Where a partnership's full history up to a version may already be known, saving the read.</param>
    /// <returns>Only the partnerships whose history changed.</returns>
    public static async Task<IReadOnlyList<MergedHistory>> MergeAsync(
        ProjectionContext context,
        string table,
        IReadOnlyList<RecordedEvent> events,
        Func<RecordedEntry, bool> keep,
        CommittedHistories? committed,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        var byPartnership = events
            .Where(recorded => recorded.Data is PartnershipEvent)
            .GroupBy(recorded => recorded.StreamId)
            .ToDictionary(group => group.Key, group => group.OrderBy(recorded => recorded.Version).ToList());
        if (byPartnership.Count == 0)
        {
            return [];
        }

        var known = new Dictionary<Guid, IReadOnlyList<RecordedEntry>>();
        foreach (var (partnershipId, arrived) in byPartnership)
        {
            var priorVersion = arrived[0].Version - 1;
            if ((priorVersion == 0 ? [] : committed?.AtVersion(partnershipId, priorVersion)) is { } prior)
            {
                known[partnershipId] = [.. prior.Where(keep)];
            }
        }

        var stored = await LoadAsync(context, table, [.. byPartnership.Keys.Where(partnershipId => !known.ContainsKey(partnershipId))], cancellationToken);
        var merged = new List<MergedHistory>(byPartnership.Count);
        foreach (var (partnershipId, arrived) in byPartnership)
        {
            var before = known.GetValueOrDefault(partnershipId) ?? stored.GetValueOrDefault(partnershipId) ?? [];
            var beforeIds = before.Select(entry => entry.EventId).ToHashSet();
            // The engine applies each event once; this only keeps a replayed batch from doubling an entry.
            var fresh = arrived.Select(LedgerEntries.ToEntry).Where(keep).Where(entry => !beforeIds.Contains(entry.EventId)).ToList();
            if (fresh.Count > 0)
            {
                merged.Add(new MergedHistory(partnershipId, [.. before.Concat(fresh).OrderBy(entry => entry.Version)]));
            }
        }

        return merged;
    }

    private static async Task<Dictionary<Guid, IReadOnlyList<RecordedEntry>>> LoadAsync(
        ProjectionContext context, string table, Guid[] partnershipIds, CancellationToken cancellationToken)
    {
        var histories = new Dictionary<Guid, IReadOnlyList<RecordedEntry>>();
        if (partnershipIds.Length == 0)
        {
            return histories;
        }

        await using var command = context.CreateCommand($"select id, history from {table} where id = any($1)");
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = partnershipIds });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            histories[reader.GetGuid(0)] = HistoryDocument.Read(reader.GetString(1));
        }

        return histories;
    }
}
