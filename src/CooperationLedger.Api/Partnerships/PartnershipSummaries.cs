using CooperationLedger.Api.Ledger;
using CooperationLedger.Domain;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using Npgsql;
using NpgsqlTypes;

namespace CooperationLedger.Api.Partnerships;

/// <param name="StaleDays">Only partnerships not closed whose last activity is at least this many days ago.</param>
/// <param name="Query">Matched, ignoring case, against titles, partner names and every partner alias.</param>
public sealed record PartnershipFilter(
    PartnershipStage? Stage = null,
    PartnerKind? Kind = null,
    string? Query = null,
    int? StaleDays = null,
    int Offset = 0,
    int? Limit = null);

public sealed record SummaryPage(IReadOnlyList<PartnershipSummary> Items, int Total);

/// <summary>Reads the <c>partnership-summaries</c> read model as of today, bringing rows whose day has come up to date first.</summary>
public sealed class PartnershipSummaries(NpgsqlDataSource dataSource, LedgerEventStore store, ProjectionEngine engine, TimeProvider clock)
{
    private Task<string> TableAsync(CancellationToken cancellationToken) =>
        engine.ActiveTableAsync(PartnershipSummariesProjection.ProjectionName, PartnershipSummariesProjection.TableBaseName, cancellationToken);

    public async Task<PartnershipSummary?> FindAsync(Guid partnershipId, CancellationToken cancellationToken)
    {
        var today = clock.Today();
        var table = await TableAsync(cancellationToken);
        await using var command = dataSource.CreateCommand($"""
            select summary, coalesce(computed_on > $2 or stage_valid_until <= $2, false)
              from {table}
             where id = $1
            """);
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Uuid, Value = partnershipId });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Date, Value = today });
        string summaryJson;
        bool isStale;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            summaryJson = reader.GetString(0);
            isStale = reader.GetBoolean(1);
        }

        if (!isStale)
        {
            return SummaryRow.AsOf(SummaryRow.ReadSummary(summaryJson), today);
        }

        var row = (await RefreshAsync(table, [partnershipId], today, cancellationToken))[0];
        return SummaryRow.ReadSummary(row.SummaryJson);
    }

    public async Task<SummaryPage> ListAsync(PartnershipFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var today = clock.Today();
        var table = await TableAsync(cancellationToken);
        await RefreshStaleRowsAsync(table, today, cancellationToken);

        const string Matching = """
             where ($1::text is null or stage = $1)
               and ($2::text is null or $2 = any(partner_kinds))
               and ($3::text is null or search_text like '%' || $3 || '%')
               and ($4::date is null or (stage <> 'closed' and last_activity_on <= $4))
            """;
        await using var batch = dataSource.CreateBatch();
        var count = new NpgsqlBatchCommand($"select count(*) from {table} {Matching}");
        var page = new NpgsqlBatchCommand($"select summary from {table} {Matching} order by title, id offset $5 limit $6");
        foreach (var command in new[] { count, page })
        {
            AddFilter(command.Parameters, filter, today);
            batch.BatchCommands.Add(command);
        }

        page.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = filter.Offset });
        page.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = (object?)filter.Limit ?? DBNull.Value });

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var total = checked((int)reader.GetInt64(0));
        await reader.NextResultAsync(cancellationToken);
        var items = new List<PartnershipSummary>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(SummaryRow.AsOf(SummaryRow.ReadSummary(reader.GetString(0)), today));
        }

        return new SummaryPage(items, total);
    }

    private static void AddFilter(NpgsqlParameterCollection parameters, PartnershipFilter filter, DateOnly today)
    {
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Text, Value = filter.Stage is { } stage ? StableNames.Of(stage) : DBNull.Value });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Text, Value = filter.Kind is { } kind ? StableNames.Of(kind) : DBNull.Value });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Text, Value = string.IsNullOrWhiteSpace(filter.Query) ? DBNull.Value : LikePattern(filter.Query) });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Date, Value = filter.StaleDays is { } days ? today.AddDays(-days) : DBNull.Value });
    }

    private static string LikePattern(string query) =>
        query.Trim().ToLowerInvariant()
            .Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);

    private async Task RefreshStaleRowsAsync(string table, DateOnly today, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            select id from {table} where computed_on > $1 or stage_valid_until <= $1
            """);
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Date, Value = today });
        var stale = new List<Guid>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                stale.Add(reader.GetGuid(0));
            }
        }

        await RefreshAsync(table, stale, today, cancellationToken);
    }

    /// <summary>Folds the partnerships again from their events as of <paramref name="today"/> and saves the rows.</summary>
    private async Task<IReadOnlyList<SummaryRow>> RefreshAsync(string table, IReadOnlyCollection<Guid> partnershipIds, DateOnly today, CancellationToken cancellationToken)
    {
        var streams = await store.ReadStreamsAsync(partnershipIds, cancellationToken);
        List<SummaryRow> refreshed = [.. streams
            .GroupBy(recorded => recorded.StreamId)
            .Select(stream => SummaryRow.Compute(stream.Key, LedgerEntries.ToEntries(stream), today))];
        await SaveRefreshedAsync(table, refreshed, cancellationToken);
        return refreshed;
    }

    private async Task SaveRefreshedAsync(string table, IReadOnlyList<SummaryRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await using var batch = dataSource.CreateBatch();
        foreach (var row in rows)
        {
            batch.BatchCommands.Add(SummaryRows.Refresh(table, row));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
    }
}
