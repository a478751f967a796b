using CooperationLedger.Api.Ledger;
using CooperationLedger.Domain;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using Npgsql;

namespace CooperationLedger.Api.Partnerships;

/// <summary>
/// The summaries behind <c>GET /api/partnerships</c>, updated in the append's own transaction so that a client reads
/// its own writes. An entry recorded in occurred order moves the partnership's fold one step; a late-recorded entry
/// or a correction changes the fold from the middle, so the partnership is folded again from its events. An append
/// in occurred order on a fold this process remembers is planned: its row goes in the append's own round trip.
/// </summary>
public sealed class PartnershipSummariesProjection(TimeProvider clock) : IPlannedInlineProjection
{
    public const string ProjectionName = "partnership-summaries";
    public const string TableBaseName = "summaries";

    private readonly PartnershipFolds folds = new();

    public string Name => ProjectionName;

    public ProjectionMode Mode => ProjectionMode.Inline;

    public PoisonEventPolicy OnPoisonEvent => PoisonEventPolicy.Stop;

    /// <summary>
    /// 3: the summary is stored as <c>json</c>, kept as the text written, since it is only ever handed out whole: as
    /// <c>jsonb</c> every append paid for parsing it into a tree and every read for printing it again. 2: rows no
    /// longer keep the partnership's history beside the summary.
    /// </summary>
    public int Version => 3;

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
                summary json not null
            );
            create index on {table} (stage_valid_until);
            create index on {table} (computed_on);
            create index on {table} (title, id);
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public InlineAppendPlan? Plan(PlannedAppend append)
    {
        ArgumentNullException.ThrowIfNull(append);
        var builtOn = append.PreviousVersion == 0 ? null : folds.Find(append.Generation, append.StreamId);
        if (append.PreviousVersion > 0 && builtOn?.Version != append.PreviousVersion)
        {
            return null;
        }

        var fold = builtOn;
        for (var index = 0; index < append.Events.Count; index++)
        {
            var planned = append.Events[index];
            if (planned.Data is not PartnershipEvent @event
                || PartnershipFold.Continue(fold, append.StreamId, append.PreviousVersion + index + 1, @event, LedgerEntries.ToDomain(planned.OccurredAt)) is not { } next)
            {
                return null;
            }

            fold = next;
        }

        var generation = append.Generation;
        return new SummaryPlan(
            builtOn?.LastHash,
            append.TableName(TableBaseName),
            SummaryRow.Compute(fold!, clock.Today()),
            result => folds.RememberCommitted(generation, fold! with { LastHash = result.Events[^1].Hash }));
    }

    public IEnumerable<NpgsqlBatchCommand> Write(IReadOnlyList<InlineAppendPlan> plans)
    {
        ArgumentNullException.ThrowIfNull(plans);
        var summaryPlans = plans.Cast<SummaryPlan>().ToList();
        return [SummaryRows.UpsertInBatch(summaryPlans[0].Table, summaryPlans.ConvertAll(plan => plan.Row))];
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

    private sealed record SummaryPlan(byte[]? BuiltOnHash, string Table, SummaryRow Row, Action<AppendResult> Committed)
        : InlineAppendPlan(BuiltOnHash, Committed);
}
