namespace CooperationLedger.Api.Hosting;

/// <summary>Where the embedded PostgreSQL keeps its data when <c>Ledger:DataDirectory</c> is not set.</summary>
public static class LedgerDataDirectory
{
    /// <summary>Used instead of the home folder when running as root; see <see cref="Default"/>.</summary>
    public const string ForRoot = "/var/lib/cooperation-ledger/postgres";

    /// <summary>
    /// A folder under the user's local application data, except as root: the server then runs as the <c>postgres</c>
    /// OS user, which cannot enter /root.
    /// </summary>
    public static string Default => Environment.IsPrivilegedProcess && !OperatingSystem.IsWindows()
        ? ForRoot
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "CooperationLedger", "postgres");

    /// <summary>Beside the data directory, never in it: <c>initdb</c> wants an empty directory.</summary>
    public static string AdminKeyFile(string dataDirectory) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(dataDirectory).TrimEnd(Path.DirectorySeparatorChar)) ?? ".", "admin-api-key");
}
