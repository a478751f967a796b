using Npgsql;
using NpgsqlTypes;

namespace CooperationLedger.Api.Partnerships;

/// <summary>The statements that write <see cref="SummaryRow"/>s, shared by the projection and the readers that bring stale rows up to date.</summary>
internal static class SummaryRows
{
    /// <summary>Writes <paramref name="rows"/> in one statement, whatever their number.</summary>
    public static NpgsqlCommand Upsert(NpgsqlConnection connection, NpgsqlTransaction transaction, string table, IReadOnlyList<SummaryRow> rows)
    {
        var command = new NpgsqlCommand(UpsertSql(table), connection, transaction);
        AddUpsertParameters(command.Parameters, rows);
        return command;
    }

    /// <inheritdoc cref="Upsert"/>
    public static NpgsqlBatchCommand UpsertInBatch(string table, IReadOnlyList<SummaryRow> rows)
    {
        var command = new NpgsqlBatchCommand(UpsertSql(table));
        AddUpsertParameters(command.Parameters, rows);
        return command;
    }

    // unnest cannot hand out one array per row, so each row's partner kinds travel as one comma-joined string.
    private static string UpsertSql(string table) => $"""
        insert into {table} (id, version, title, stage, partner_kinds, search_text, last_activity_on, next_expiry,
                             computed_on, stage_valid_until, summary)
        select id, version, title, stage, string_to_array(partner_kinds, ','), search_text, last_activity_on, next_expiry,
               computed_on, stage_valid_until, summary
          from unnest($1::uuid[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[], $8::date[],
                      $9::date[], $10::date[], $11::json[])
               as row (id, version, title, stage, partner_kinds, search_text, last_activity_on, next_expiry,
                       computed_on, stage_valid_until, summary)
        on conflict (id) do update
           set version = excluded.version, title = excluded.title, stage = excluded.stage,
               partner_kinds = excluded.partner_kinds, search_text = excluded.search_text,
               last_activity_on = excluded.last_activity_on, next_expiry = excluded.next_expiry,
               computed_on = excluded.computed_on, stage_valid_until = excluded.stage_valid_until,
               summary = excluded.summary
        """;

    private static void AddUpsertParameters(NpgsqlParameterCollection parameters, IReadOnlyList<SummaryRow> rows)
    {
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = rows.Select(row => row.Id).ToArray() });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = rows.Select(row => row.Version).ToArray() });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(row => row.Title).ToArray() });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(row => row.Stage).ToArray() });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(row => string.Join(',', row.PartnerKinds)).ToArray() });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = rows.Select(row => row.SearchText).ToArray() });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date, Value = rows.Select(row => row.LastActivityOn).ToArray() });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date, Value = rows.Select(row => row.NextExpiry).ToArray() });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date, Value = rows.Select(row => row.ComputedOn).ToArray() });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date, Value = rows.Select(row => row.StageValidUntil).ToArray() });
        parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Json, Value = rows.Select(row => row.SummaryJson).ToArray() });
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
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Json, Value = row.SummaryJson });
        return command;
    }
}
