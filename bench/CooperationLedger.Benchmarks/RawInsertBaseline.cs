using NpgsqlTypes;

namespace CooperationLedger.Benchmarks;

/// <summary>
/// The yardstick every append figure is divided by: one autocommitted single-row INSERT of the same JSON payload into
/// a plain table with only a primary key, through the same Npgsql data source.
/// </summary>
internal sealed class RawInsertBaseline(BenchServer server, string payloadJson)
{
    public static async Task<RawInsertBaseline> CreateAsync(BenchServer server, string payloadJson)
    {
        await server.ExecuteAsync("""
            create table if not exists public.raw_events (
                id bigserial primary key,
                stream_id uuid not null,
                type text not null,
                data jsonb not null,
                occurred_at timestamptz not null,
                recorded_at timestamptz not null default now(),
                recorded_by text not null
            )
            """);
        return new RawInsertBaseline(server, payloadJson);
    }

    public async Task<int> InsertAsync(int worker)
    {
        await using var command = server.DataSource.CreateCommand("""
            insert into public.raw_events (stream_id, type, data, occurred_at, recorded_by) values ($1, $2, $3, $4, $5)
            """);
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Uuid, Value = Guid.CreateVersion7() });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Text, Value = "visit-held" });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = payloadJson });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = new DateTime(2024, 4, 1, 0, 0, 0, DateTimeKind.Utc) });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Text, Value = $"bench-{worker}" });
        return await command.ExecuteNonQueryAsync();
    }
}
