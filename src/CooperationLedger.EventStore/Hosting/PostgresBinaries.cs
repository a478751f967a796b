using System.Diagnostics;
using System.Globalization;

namespace CooperationLedger.EventStore.Hosting;

/// <summary>The directory holding a PostgreSQL server's <c>initdb</c>, <c>pg_ctl</c> and <c>postgres</c>.</summary>
public sealed record PostgresBinaries(string Directory)
{
    public const string DefaultInstallRoot = "/usr/lib/postgresql";
    public const string InstallCommand = "apt-get install -y postgresql";

    private static readonly string[] ServerPrograms = ["postgres", "initdb", "pg_ctl"];

    public string InitDb => Path.Combine(Directory, "initdb");

    public string PgCtl => Path.Combine(Directory, "pg_ctl");

    public string Postgres => Path.Combine(Directory, "postgres");

    /// <summary>
    /// <c>pg_config --bindir</c> when that directory has the server programs (on Debian it is usually the client
    /// package's /usr/bin, which does not), otherwise the newest <c>&lt;installRoot&gt;/&lt;version&gt;/bin</c> that has them.
    /// </summary>
    /// <exception cref="PostgresNotInstalledException">Neither place has them.</exception>
    public static PostgresBinaries Locate(string pgConfigCommand = "pg_config", string installRoot = DefaultInstallRoot)
    {
        var fromPgConfig = BinDirectoryFromPgConfig(pgConfigCommand);
        if (fromPgConfig is not null && HasServerPrograms(fromPgConfig))
        {
            return new PostgresBinaries(fromPgConfig);
        }

        var newest = System.IO.Directory.Exists(installRoot)
            ? System.IO.Directory.GetDirectories(installRoot)
                .Select(versionDirectory => (Version: ParseVersion(Path.GetFileName(versionDirectory)), Bin: Path.Combine(versionDirectory, "bin")))
                .Where(candidate => candidate.Version is not null && HasServerPrograms(candidate.Bin))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Bin)
                .FirstOrDefault()
            : null;
        return newest is not null
            ? new PostgresBinaries(newest)
            : throw new PostgresNotInstalledException(
                $"No PostgreSQL server programs (initdb, pg_ctl, postgres) were found in `{pgConfigCommand} --bindir` ({fromPgConfig ?? "not available"}) or {installRoot}/*/bin; install them with `{InstallCommand}`.");
    }

    private static bool HasServerPrograms(string directory) =>
        ServerPrograms.All(program => File.Exists(Path.Combine(directory, program)));

    private static Version? ParseVersion(string name) =>
        Version.TryParse(name.Contains('.', StringComparison.Ordinal) ? name : name + ".0", out var version) ? version : null;

    private static string? BinDirectoryFromPgConfig(string pgConfigCommand)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(pgConfigCommand, "--bindir")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    internal static int MajorVersionOf(string versionOutput)
    {
        // "postgres (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)"
        var number = versionOutput.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(part => part.Length > 0 && char.IsAsciiDigit(part[0])) ?? "";
        return int.TryParse(number.Split('.')[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : 0;
    }
}

/// <summary>The PostgreSQL server programs are not installed; the message names the package to install.</summary>
public sealed class PostgresNotInstalledException(string message) : Exception(message);
