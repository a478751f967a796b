using CooperationLedger.Api.Ledger;
using CooperationLedger.Domain;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using NpgsqlTypes;

namespace CooperationLedger.Api.Organizations;

/// <summary>
/// What the organization directory is built from, kept by the daemon: the entries that name organizations and people
/// (openings, visits, signings) and the corrections that may change them, one row each. The directory joins names
/// across all partnerships and applies corrections, so it is assembled on read.
/// </summary>
public sealed class OrganizationsProjection : IProjection
{
    public const string ProjectionName = "organizations";
    public const string TableBaseName = "entries";

    public string Name => ProjectionName;

    public ProjectionMode Mode => ProjectionMode.Async;

    public PoisonEventPolicy OnPoisonEvent => PoisonEventPolicy.Stop;

    /// <summary>2: a row per entry instead of a history document per partnership rewritten on every entry.</summary>
    public int Version => 2;

    public static bool NamesOrganizations(RecordedEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Event is PartnershipOpened or VisitHeld or AgreementSigned or EntryCorrected;
    }

    public async Task CreateStorageAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using var command = context.CreateCommand($"""
            create table {context.TableName(TableBaseName)} (
                partnership_id uuid not null,
                version bigint not null,
                entry jsonb not null,
                primary key (partnership_id, version)
            )
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        var kept = events
            .Where(recorded => recorded.Data is PartnershipEvent)
            .Select(recorded => (recorded.StreamId, Entry: LedgerEntries.ToEntry(recorded)))
            .Where(pair => NamesOrganizations(pair.Entry))
            .ToList();
        if (kept.Count == 0)
        {
            return;
        }

        // The engine applies each event once; "do nothing" only keeps a replayed batch from failing.
        await using var command = context.CreateCommand($"""
            insert into {context.TableName(TableBaseName)} (partnership_id, version, entry)
            select * from unnest($1, $2, $3)
            on conflict do nothing
            """);
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = kept.Select(pair => pair.StreamId).ToArray() });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = kept.Select(pair => pair.Entry.Version).ToArray() });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = kept.Select(pair => EntryDocument.Write(pair.Entry)).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
