namespace CooperationLedger.EventStore.Schema;

/// <summary>One embedded, versioned migration script (<c>Migrations/NNNN_name.sql</c>).</summary>
public sealed record LedgerMigration(int Version, string Name, string Sql, string Checksum);
