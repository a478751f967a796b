using CooperationLedger.Api.Ledger;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;

namespace CooperationLedger.Api.Partnerships;

/// <summary>
/// The summaries behind <c>GET /api/partnerships</c>, updated in the append's own transaction so that a client reads
/// its own writes. An entry recorded in occurred order moves the partnership's fold one step; a late-recorded entry
/// or a correction changes the fold from the middle, so the partnership is folded again from its events.
/// </summary>
public sealed class PartnershipSummariesProjection(TimeProvider clock) : IProjection
{
    public const string ProjectionName = "partnership-summaries";
    public const string TableBaseName = "summaries";

    private readonly PartnershipFolds folds = new();

    public string Name => ProjectionName;

    public ProjectionMode Mode => ProjectionMode.Inline;

    public PoisonEventPolicy OnPoisonEvent => PoisonEventPolicy.Stop;

    /// <summary>2: rows no longer keep the partnership's history beside the summary.</summary>
    public int Version => 2;

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
                summary jsonb not null
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
        var changed = await folds.AdvanceAsync(context, events, cancellationToken);
        if (changed.Count == 0)
        {
            return;
        }

        var today = clock.Today();
        await using var command = SummaryRows.Upsert(context.Connection, context.Transaction, context.TableName(TableBaseName), [.. changed.Select(fold => SummaryRow.Compute(fold, today))]);
        // Runs on every append: prepared, PostgreSQL plans it once per connection.
        await command.PrepareAsync(cancellationToken);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
