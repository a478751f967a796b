using System.Text.RegularExpressions;
using Npgsql;

namespace CooperationLedger.EventStore.Projections;

/// <summary>
/// Where a projection writes: an open transaction and the generation whose tables it fills. Every table a projection
/// owns is named through <see cref="TableName"/>, so that a rebuild can fill a fresh generation next to the one
/// readers use.
/// </summary>
public sealed partial class ProjectionContext
{
    /// <summary>PostgreSQL's identifier limit; longer names would be truncated silently and could collide.</summary>
    private const int MaximumIdentifierLength = 63;

    private readonly EventFeedReader? history;

    internal ProjectionContext(string projectionName, long generation, NpgsqlConnection connection, NpgsqlTransaction transaction, EventFeedReader? history = null)
    {
        this.history = history;
        ProjectionName = projectionName;
        Generation = generation;
        Connection = connection;
        Transaction = transaction;
    }

    public string ProjectionName { get; }

    public long Generation { get; }

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    /// <summary>The schema that holds every projection's tables.</summary>
    public const string Schema = "projections";

    /// <summary>
    /// The schema-qualified, quoted name of this generation's table <paramref name="baseName"/>, such as
    /// <c>projections."partnership_summaries__summaries__g2"</c>. Base names are lower-case letters, digits and underscores.
    /// </summary>
    public string TableName(string baseName) => QualifiedTableName(ProjectionName, baseName, Generation);

    /// <summary>A command on this context's connection and transaction.</summary>
    public NpgsqlCommand CreateCommand(string sql) => new(sql, Connection, Transaction);

    /// <summary>
    /// The events of <paramref name="streamIds"/> up to global sequence <paramref name="throughSequence"/>, ordered by
    /// stream and version, as this transaction sees them, in one round trip: for a projection that has to fold a
    /// stream again from its history (a correction, an entry recorded out of occurred order). Pass the last sequence
    /// of the batch being applied; everything at or below it is settled.
    /// </summary>
    public Task<IReadOnlyList<RecordedEvent>> ReadStreamsAsync(IReadOnlyCollection<Guid> streamIds, long throughSequence, CancellationToken cancellationToken) =>
        history is null
            ? throw new InvalidOperationException("Stream history can be read while applying events, not while creating storage.")
            : history.ReadStreamsInTransactionAsync(Transaction, streamIds, throughSequence, cancellationToken);

    internal static string QualifiedTableName(string projectionName, string baseName, long generation) =>
        $"{Schema}.\"{UnqualifiedTableName(projectionName, baseName, generation)}\"";

    internal static string UnqualifiedTableName(string projectionName, string baseName, long generation)
    {
        if (!BaseNamePattern().IsMatch(baseName))
        {
            throw new ArgumentException($"'{baseName}' is not a table base name: use lower-case letters, digits and single underscores.", nameof(baseName));
        }

        var name = $"{TablePrefix(projectionName)}{baseName}{TableSuffix(generation)}";
        return name.Length <= MaximumIdentifierLength
            ? name
            : throw new ArgumentException($"The table name {name} is longer than PostgreSQL's {MaximumIdentifierLength} characters; shorten the projection or base name.", nameof(baseName));
    }

    /// <summary>Every table of the projection starts so; no other projection's does, as names never hold "__".</summary>
    internal static string TablePrefix(string projectionName) => $"{projectionName.Replace('-', '_')}__";

    internal static string TableSuffix(long generation) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"__g{generation}");

    internal static void ValidateProjectionName(string name)
    {
        if (!ProjectionNamePattern().IsMatch(name))
        {
            throw new ArgumentException($"'{name}' is not a projection name: use kebab-case (lower-case letters, digits, single hyphens).", nameof(name));
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex BaseNamePattern();

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex ProjectionNamePattern();
}
