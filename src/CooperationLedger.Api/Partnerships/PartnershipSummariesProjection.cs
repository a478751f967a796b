using CooperationLedger.Api.Ledger;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using Npgsql;

namespace CooperationLedger.Api.Partnerships;

/// <summary>
/// The summaries behind <c>GET /api/partnerships</c>, updated in the append's own transaction so that a client reads
/// its own writes. Each row keeps the partnership's history beside the summary, because a late-recorded entry or a
/// correction changes the fold from the middle.
/// </summary>
public sealed class PartnershipSummariesProjection(TimeProvider clock, CommittedHistories committed) : IProjection
{
    public const string ProjectionName = "partnership-summaries";
    public const string TableBaseName = "summaries";

    public string Name => ProjectionName;

    public ProjectionMode Mode => ProjectionMode.Inline;

    public PoisonEventPolicy OnPoisonEvent => PoisonEventPolicy.Stop;

    public async Task CreateStorageAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var table = context.TableName(TableBaseName);
        await using var command = context.CreateCommand($"""
            create table {table} (
                id uuid primary key,
                version bigint not null,
                title text not null,
                stage text not null,
                partner_kinds text[] not null,
                search_text text not null,
                last_activity_on date,
                next_expiry date,
                computed_on date not null,
                stage_valid_until date,
                summary jsonb not null,
                history jsonb not null
            );
            create index on {table} (stage_valid_until);
            create index on {table} (computed_on);
            create index on {table} (title, id);
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var table = context.TableName(TableBaseName);
        var changed = await StreamHistories.MergeAsync(context, table, events, keep: _ => true, committed, cancellationToken);
        if (changed.Count == 0)
        {
            return;
        }

        var today = clock.Today();
        await using var batch = new NpgsqlBatch(context.Connection, context.Transaction);
        foreach (var history in changed)
        {
            batch.BatchCommands.Add(SummaryRows.Upsert(table, SummaryRow.Compute(history.PartnershipId, history.Entries, today)));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
