using Npgsql;

namespace CooperationLedger.EventStore.Projections;

/// <summary>Finds and drops the tables of one generation of a projection, whatever its projection named them.</summary>
internal static class GenerationTables
{
    public static async Task DropAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string projectionName, long generation, CancellationToken cancellationToken)
    {
        var tables = new List<string>();
        await using (var command = CheckpointStore.Command(connection, transaction, """
            select tablename from pg_tables
             where schemaname = $1 and starts_with(tablename, $2) and right(tablename, length($3)) = $3
            """, ProjectionContext.Schema, ProjectionContext.TablePrefix(projectionName), ProjectionContext.TableSuffix(generation)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in tables)
        {
            await using var drop = new NpgsqlCommand($"drop table if exists {ProjectionContext.Schema}.\"{table}\" cascade", connection, transaction);
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
