using Npgsql;
using NpgsqlTypes;

namespace CooperationLedger.Api.Partnerships;

/// <summary>The statements that write <see cref="SummaryRow"/>s, shared by the projection and the readers that bring stale rows up to date.</summary>
internal static class SummaryRows
{
    public static NpgsqlBatchCommand Upsert(string table, SummaryRow row)
    {
        var command = new NpgsqlBatchCommand($"""
            insert into {table} (id, version, title, stage, partner_kinds, search_text, last_activity_on, next_expiry,
                                 computed_on, stage_valid_until, summary, history)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            on conflict (id) do update
               set version = excluded.version, title = excluded.title, stage = excluded.stage,
                   partner_kinds = excluded.partner_kinds, search_text = excluded.search_text,
                   last_activity_on = excluded.last_activity_on, next_expiry = excluded.next_expiry,
                   computed_on = excluded.computed_on, stage_valid_until = excluded.stage_valid_until,
                   summary = excluded.summary, history = excluded.history
            """);
        AddColumns(command.Parameters, row);
        return command;
    }

    /// <summary>Rewrites a row for a later day unless an append changed it meanwhile (then that append's row is newer).</summary>
    public static NpgsqlBatchCommand Refresh(string table, SummaryRow row)
    {
        var command = new NpgsqlBatchCommand($"""
            update {table}
               set stage = $3, next_expiry = $4, computed_on = $5, stage_valid_until = $6, summary = $7
             where id = $1 and version = $2
            """);
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Uuid, Value = row.Id });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = row.Version });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Text, Value = row.Stage });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Date, Value = (object?)row.NextExpiry ?? DBNull.Value });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Date, Value = row.ComputedOn });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Date, Value = (object?)row.StageValidUntil ?? DBNull.Value });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = row.SummaryJson });
        return command;
    }

    private static void AddColumns(NpgsqlParameterCollection parameters, SummaryRow row)
    {
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Uuid, Value = row.Id });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = row.Version });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Text, Value = row.Title });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Text, Value = row.Stage });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = row.PartnerKinds });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Text, Value = row.SearchText });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Date, Value = (object?)row.LastActivityOn ?? DBNull.Value });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Date, Value = (object?)row.NextExpiry ?? DBNull.Value });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Date, Value = row.ComputedOn });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Date, Value = (object?)row.StageValidUntil ?? DBNull.Value });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = row.SummaryJson });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = row.HistoryJson });
    }
}
