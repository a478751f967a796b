using CooperationLedger.Api.Ledger;
using CooperationLedger.Domain;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using NpgsqlTypes;

namespace CooperationLedger.Api.Organizations;

/// <summary>
/// What the organization directory is built from, kept by the daemon: per partnership, the entries that name
/// organizations and people (openings, visits, signings) and the corrections that may change them. The directory
/// itself joins names across all partnerships, so it is assembled on read.
/// </summary>
public sealed class OrganizationsProjection : IProjection
{
    public const string ProjectionName = "organizations";
    public const string TableBaseName = "sources";

    public string Name => ProjectionName;

    public ProjectionMode Mode => ProjectionMode.Async;

    public PoisonEventPolicy OnPoisonEvent => PoisonEventPolicy.Stop;

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
                id uuid primary key,
                history jsonb not null
            )
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var table = context.TableName(TableBaseName);
        var changed = await StreamHistories.MergeAsync(context, table, events, NamesOrganizations, committed: null, cancellationToken);
        if (changed.Count == 0)
        {
            return;
        }

        await using var command = context.CreateCommand($"""
            insert into {table} (id, history)
            select * from unnest($1, $2)
            on conflict (id) do update set history = excluded.history
            """);
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = changed.Select(history => history.PartnershipId).ToArray() });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb, Value = changed.Select(history => HistoryDocument.Write(history.Entries)).ToArray() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
