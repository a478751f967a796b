using CooperationLedger.Domain;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using NpgsqlTypes;

namespace CooperationLedger.Api.Organizations;

/// <summary>
/// Where the organization directory's entries are: the entries that name organizations and people (openings, visits,
/// signings) and the corrections that may change them, one row each, pointing at the event by its global sequence.
/// The directory joins names across all partnerships and applies corrections, so it is assembled on read from those
/// events.
/// </summary>
public sealed class OrganizationsProjection : IProjection
{
    public const string ProjectionName = "organizations";
    public const string TableBaseName = "entries";

    public string Name => ProjectionName;

    public ProjectionMode Mode => ProjectionMode.Async;

    public PoisonEventPolicy OnPoisonEvent => PoisonEventPolicy.Stop;

    /// <summary>
    /// 3: the event's sequence instead of a copy of the entry, which doubled the bytes written for every visit and cost
    /// the daemon a JSON document per event (docs/benchmarks.md, session 7). 2: a row per entry instead of a history
    /// document per partnership rewritten on every entry.
    /// </summary>
    public int Version => 3;

    /// <summary>It keeps an event's position, never its data, so the daemon does not fetch the data.</summary>
    public bool ReadsEventData => false;

    /// <summary>
    /// The stored types of those entries. The projection goes by the type alone, so it never decodes an event's data
    /// (docs/benchmarks.md, session 13).
    /// </summary>
    private static readonly HashSet<string> TypesNamingOrganizations =
    [
        .. PartnershipEventCatalog.All
            .Where(eventType => eventType.Type == typeof(PartnershipOpened) || eventType.Type == typeof(VisitHeld)
                || eventType.Type == typeof(AgreementSigned) || eventType.Type == typeof(EntryCorrected))
            .Select(eventType => eventType.Alias),
    ];

    public async Task CreateStorageAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using var command = context.CreateCommand($"""
            create table {context.TableName(TableBaseName)} (
                partnership_id uuid not null,
                version bigint not null,
                sequence bigint not null,
                primary key (partnership_id, version)
            )
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(events);
        var kept = events.Where(recorded => TypesNamingOrganizations.Contains(recorded.Type)).ToList();
        if (kept.Count == 0)
        {
            return;
        }

        // The engine applies each event once; "do nothing" only keeps a replayed batch from failing.
        await using var command = context.CreateCommand($"""
            insert into {context.TableName(TableBaseName)} (partnership_id, version, sequence)
            select * from unnest($1, $2, $3)
            on conflict do nothing
            """);
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = kept.Select(recorded => recorded.StreamId).ToArray() });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = kept.Select(recorded => recorded.Version).ToArray() });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = kept.Select(recorded => recorded.Sequence).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
