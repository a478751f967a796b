namespace CooperationLedger.EventStore.Hosting;

public sealed record LocalPostgresOptions
{
    /// <summary>
    /// Throwaway-cluster settings that skip durability for speed: for tests and benchmarks, never for data to keep.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ThrowawayClusterSettings { get; } = new Dictionary<string, string>
    {
        ["fsync"] = "off",
        ["synchronous_commit"] = "off",
        ["full_page_writes"] = "off",
    };

    /// <summary>An existing cluster there is reused; an empty or missing directory gets a new one.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Null picks a free 127.0.0.1 port.</summary>
    public int? Port { get; init; }

    /// <summary>Passed to the server as <c>-c name=value</c>.</summary>
    public IReadOnlyDictionary<string, string> ServerSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Null locates them with <see cref="PostgresBinaries.Locate"/>.</summary>
    public PostgresBinaries? Binaries { get; init; }

    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>For throwaway clusters: the directory is removed once the server has stopped.</summary>
    public bool DeleteDataDirectoryOnDispose { get; init; }

    internal bool SkipsDurability => ServerSettings.TryGetValue("fsync", out var fsync) && fsync == "off";
}
