using CooperationLedger.Domain;

namespace CooperationLedger.Api.Hosting;

/// <summary>The <c>Ledger</c> configuration section.</summary>
public sealed class LedgerOptions
{
    public const string Section = "Ledger";

    /// <summary>The connection string that, when set, replaces the embedded PostgreSQL.</summary>
    public const string ConnectionStringName = "Ledger";

    /// <summary>Where the embedded PostgreSQL keeps its cluster; null: <see cref="LedgerDataDirectory.Default"/>.</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Load the sample partnerships into an empty store at start-up; null: only on the embedded default.</summary>
    public bool? SampleData { get; set; }

    public List<ConfiguredApiKey> ApiKeys { get; set; } = [];

    public long MaxRequestBodyBytes { get; set; } = 1024 * 1024;

    public RateLimitSettings RateLimit { get; set; } = new();

    public CorsSettings Cors { get; set; } = new();

    public PipelineSettings Pipeline { get; set; } = new();

    /// <summary>The institution whose ledger this is; the organization directory puts it first.</summary>
    public HomeInstitutionSettings HomeInstitution { get; set; } = new();
}

/// <summary>A key from configuration: <c>Ledger:ApiKeys:{n}:Key</c>, <c>:Name</c> (the events' recordedBy) and <c>:Roles:{m}</c>.</summary>
public sealed class ConfiguredApiKey
{
    public string Key { get; set; } = "";

    public string Name { get; set; } = "";

    public List<string> Roles { get; set; } = [];
}

/// <summary>Requests per key (per client address without a key) in each window.</summary>
public sealed class RateLimitSettings
{
    public int PermitLimit { get; set; } = 1_000;

    public int WindowSeconds { get; set; } = 1;
}

public sealed class CorsSettings
{
    /// <summary>Cross-origin requests are refused unless their origin is listed here.</summary>
    public List<string> Origins { get; set; } = [];
}

public sealed class PipelineSettings
{
    /// <summary>A partnership whose last activity is at least this many days ago is stale.</summary>
    public int StaleAfterDays { get; set; } = 90;

    /// <summary>The default of <c>GET /api/pipeline?days=</c>.</summary>
    public int ExpiringWithinDays { get; set; } = 90;
}

/// <summary>Unset: the CTO School of the sample data.</summary>
public sealed class HomeInstitutionSettings
{
    public string? Name { get; set; }

    // Not pre-filled: the configuration binder adds configured items to a list's existing ones.
    public List<string> Aliases { get; set; } = [];

    public HomeInstitution ToDomain() =>
        string.IsNullOrWhiteSpace(Name) ? HomeInstitution.CtoSchool : new HomeInstitution(Name, Aliases);
}
