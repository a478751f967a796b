using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace CooperationLedger.Benchmarks;

/// <summary>
/// The least an append over HTTP can cost: Kestrel, a minimal API that reads the JSON body, the raw INSERT of
/// <see cref="RawInsertBaseline"/>, and a small JSON answer. Run by the HTTP benchmark as a process of its own.
/// </summary>
internal static class HttpFloorServer
{
    public const string Command = "http-floor-server";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        await using var dataSource = NpgsqlDataSource.Create(builder.Configuration.GetConnectionString("Ledger")
            ?? throw new InvalidOperationException("ConnectionStrings__Ledger is not set."));
        var app = builder.Build();
        app.MapGet("/health", () => TypedResults.Ok());
        app.MapPost("/floor/{client:int}", async (int client, JsonElement entry, CancellationToken cancellationToken) =>
        {
            await using var command = dataSource.CreateCommand("""
                insert into public.raw_events (stream_id, type, data, occurred_at, recorded_by) values ($1, $2, $3, $4, $5)
                returning id
                """);
            command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Uuid, Value = Guid.CreateVersion7() });
            command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Text, Value = entry.GetProperty("type").GetString() });
            command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Jsonb, Value = entry.GetProperty("data").GetRawText() });
            command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = entry.GetProperty("occurredAt").GetDateTime().ToUniversalTime() });
            command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Text, Value = $"floor-{client}" });
            var sequence = (long)(await command.ExecuteScalarAsync(cancellationToken))!;
            return TypedResults.Created($"/floor/{sequence}", new FloorAnswer(sequence));
        });
        await app.RunAsync();
        return 0;
    }
}

internal sealed record FloorAnswer(long Sequence);
