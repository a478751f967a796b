namespace CooperationLedger.EventStore.Projections;

/// <summary>A row of <c>ledger.projection_checkpoints</c>.</summary>
internal sealed record ProjectionCheckpoint(
    string Name,
    ProjectionMode Mode,
    long Generation,
    long Position,
    string State,
    string? LastError,
    RebuildCheckpoint? Rebuild,
    long? RetiredGeneration,
    DateTimeOffset? RetiredAt,
    int Version)
{
    public const string Running = "running";
    public const string Stopped = "stopped";
    public const string Failed = "failed";

    public const string Columns = """
        name, mode, generation, position, state, last_error,
        rebuild_generation, rebuild_position, rebuild_events_done, rebuild_started,
        retired_generation, retired_at, version
        """;

    public static ProjectionCheckpoint Read(Npgsql.NpgsqlDataReader reader) => new(
        Name: reader.GetString(0),
        Mode: ParseMode(reader.GetString(1)),
        Generation: reader.GetInt64(2),
        Position: reader.GetInt64(3),
        State: reader.GetString(4),
        LastError: reader.IsDBNull(5) ? null : reader.GetString(5),
        Rebuild: reader.IsDBNull(6)
            ? null
            : new RebuildCheckpoint(reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetFieldValue<DateTimeOffset>(9)),
        RetiredGeneration: reader.IsDBNull(10) ? null : reader.GetInt64(10),
        RetiredAt: reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11),
        Version: reader.GetInt32(12));

    public static string ModeName(ProjectionMode mode) => mode switch
    {
        ProjectionMode.Inline => "inline",
        ProjectionMode.Async => "async",
        ProjectionMode.Live => "live",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Not a projection mode."),
    };

    private static ProjectionMode ParseMode(string mode) => mode switch
    {
        "inline" => ProjectionMode.Inline,
        "async" => ProjectionMode.Async,
        "live" => ProjectionMode.Live,
        _ => throw new InvalidOperationException($"The checkpoint table holds an unknown mode '{mode}'."),
    };
}

/// <summary>A rebuild under way: the generation it fills and how far it got.</summary>
internal sealed record RebuildCheckpoint(long Generation, long Position, long EventsDone, DateTimeOffset Started);

/// <summary>A checkpoint changed under a leader's feet: another process took over, or the rebuild was replaced.</summary>
internal sealed class LeadershipLostException(string projectionName)
    : Exception($"The checkpoint of projection '{projectionName}' was moved by someone else; this process stops leading it.");
