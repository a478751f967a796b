using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace CooperationLedger.EventStore.Hosting;

/// <summary>
/// A private PostgreSQL server run from the installed binaries: <c>initdb</c> into a directory (or reuse the cluster
/// already there), start on 127.0.0.1 with trust authentication for the <c>postgres</c> superuser, stop on dispose.
/// Works as root by running the server programs as the <c>postgres</c> OS user.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    private const string LogFileName = "server.log";
    private const string PidFileName = "postmaster.pid";
    private const int StartAttempts = 5;
    private const int LogLinesInErrors = 30;

    private readonly LocalPostgresOptions options;
    private int stopped;

    private LocalPostgres(LocalPostgresOptions options, PostgresBinaries binaries, string dataDirectory, int port)
    {
        this.options = options;
        Binaries = binaries;
        DataDirectory = dataDirectory;
        Port = port;
        ConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = IPAddress.Loopback.ToString(),
            Port = port,
            Username = "postgres",
            Database = "postgres",
        }.ConnectionString;
        AppDomain.CurrentDomain.ProcessExit += StopOnProcessExit;
    }

    /// <summary>Superuser <c>postgres</c> on 127.0.0.1, database <c>postgres</c>.</summary>
    public string ConnectionString { get; }

    public int Port { get; }

    public string DataDirectory { get; }

    public PostgresBinaries Binaries { get; }

    private string LogFile => Path.Combine(DataDirectory, LogFileName);

    /// <exception cref="PostgresNotInstalledException">The server programs are not installed.</exception>
    public static async Task<LocalPostgres> StartAsync(LocalPostgresOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var binaries = options.Binaries ?? PostgresBinaries.Locate();
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            await EnsureSameMajorVersionAsync(binaries, dataDirectory, cancellationToken);
            await ClearLeftoverServerAsync(binaries, dataDirectory, cancellationToken);
        }
        else
        {
            await InitializeClusterAsync(options, binaries, dataDirectory, cancellationToken);
        }

        for (var attempt = 1; ; attempt++)
        {
            var port = options.Port ?? FindFreePort();
            var server = new LocalPostgres(options, binaries, dataDirectory, port);
            try
            {
                await server.StartServerAsync(cancellationToken);
                await server.WaitUntilAcceptingConnectionsAsync(cancellationToken);
                return server;
            }
            catch (PortTakenException) when (options.Port is null && attempt < StartAttempts)
            {
                server.ForgetProcessExitHandler();
            }
            catch (SharedMemoryStillAttachedException) when (attempt < StartAttempts)
            {
                // The processes of a crashed server exit a moment after it; the next start must wait for them.
                server.ForgetProcessExitHandler();
                await Task.Delay(TimeSpan.FromMilliseconds(500 * attempt), cancellationToken);
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref stopped, 1) == 1)
        {
            return;
        }

        ForgetProcessExitHandler();
        await ExternalCommand.RunAsync(Binaries.PgCtl, StopArguments(DataDirectory), DataDirectory, CancellationToken.None);
        DeleteDataDirectoryIfThrowaway();
    }

    private static IEnumerable<string> StopArguments(string dataDirectory) =>
        ["stop", "-D", dataDirectory, "-m", "fast", "-w", "-t", "60"];

    private async Task StartServerAsync(CancellationToken cancellationToken)
    {
        var serverOptions = new Dictionary<string, string>(options.ServerSettings)
        {
            ["listen_addresses"] = IPAddress.Loopback.ToString(),
            ["port"] = Port.ToString(CultureInfo.InvariantCulture),
            ["unix_socket_directories"] = "",
        };
        // pg_ctl hands -o to /bin/sh, hence the single quotes.
        var optionText = string.Join(' ', serverOptions.Select(setting => $"-c {ShellQuote($"{setting.Key}={setting.Value}")}"));
        var logLengthBefore = File.Exists(LogFile) ? new FileInfo(LogFile).Length : 0;
        var outcome = await ExternalCommand.RunAsync(
            Binaries.PgCtl,
            ["start", "-D", DataDirectory, "-l", LogFile, "-w", "-t", ((int)options.StartupTimeout.TotalSeconds).ToString(CultureInfo.InvariantCulture), "-o", optionText],
            DataDirectory,
            cancellationToken);
        if (outcome.Succeeded)
        {
            return;
        }

        var log = ReadLogTail(logLengthBefore);
        if (log.Contains("could not bind", StringComparison.Ordinal) || log.Contains("Address already in use", StringComparison.Ordinal))
        {
            throw new PortTakenException();
        }

        if (log.Contains("pre-existing shared memory block", StringComparison.Ordinal))
        {
            throw new SharedMemoryStillAttachedException();
        }

        throw new InvalidOperationException($"PostgreSQL did not start from {DataDirectory} on port {Port}: {outcome.Output}{Environment.NewLine}Server log:{Environment.NewLine}{log}");
    }

    private async Task WaitUntilAcceptingConnectionsAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + options.StartupTimeout;
        var probe = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false, Timeout = 5 }.ConnectionString;
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(probe);
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
            catch (NpgsqlException exception)
            {
                throw new InvalidOperationException($"PostgreSQL started but accepted no connection on port {Port} within {options.StartupTimeout}.{Environment.NewLine}Server log:{Environment.NewLine}{ReadLogTail()}", exception);
            }
        }
    }

    private static async Task InitializeClusterAsync(LocalPostgresOptions options, PostgresBinaries binaries, string dataDirectory, CancellationToken cancellationToken)
    {
        if (Directory.Exists(dataDirectory) && Directory.EnumerateFileSystemEntries(dataDirectory).Any())
        {
            throw new InvalidOperationException($"{dataDirectory} is neither empty nor a PostgreSQL data directory.");
        }

        Directory.CreateDirectory(dataDirectory);
        if (ExternalCommand.MustSwitchUser)
        {
            await ExternalCommand.ChownToPostgresAsync(dataDirectory, cancellationToken);
            var reachable = await ExternalCommand.RunAsync("test", ["-w", dataDirectory, "-a", "-x", dataDirectory], dataDirectory, cancellationToken);
            if (!reachable.Succeeded)
            {
                throw new InvalidOperationException($"The {ExternalCommand.PostgresOsUser} OS user cannot reach {dataDirectory}; choose a data directory whose parents it can enter (not under /root).");
            }
        }

        List<string> arguments = ["-D", dataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-instructions"];
        if (options.SkipsDurability)
        {
            arguments.Add("--no-sync");
        }

        var outcome = await ExternalCommand.RunAsync(binaries.InitDb, arguments, dataDirectory, cancellationToken);
        if (!outcome.Succeeded)
        {
            throw new InvalidOperationException($"initdb failed for {dataDirectory}: {outcome.Output}");
        }
    }

    private static async Task EnsureSameMajorVersionAsync(PostgresBinaries binaries, string dataDirectory, CancellationToken cancellationToken)
    {
        var clusterVersion = (await File.ReadAllTextAsync(Path.Combine(dataDirectory, "PG_VERSION"), cancellationToken)).Trim();
        var serverVersion = await ExternalCommand.RunAsync(binaries.Postgres, ["--version"], dataDirectory, cancellationToken);
        var serverMajor = PostgresBinaries.MajorVersionOf(serverVersion.Output);
        if (clusterVersion != serverMajor.ToString(CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"{dataDirectory} holds a PostgreSQL {clusterVersion} cluster but the server in {binaries.Directory} is version {serverMajor}; upgrade the cluster (pg_upgrade) or point at another directory.");
        }
    }

    /// <summary>
    /// After a crash the pid file stays behind, and its pid may since belong to another process, which PostgreSQL
    /// would take for a live server. A server still running from an earlier run is stopped, so this start applies
    /// its own port and settings.
    /// </summary>
    private static async Task ClearLeftoverServerAsync(PostgresBinaries binaries, string dataDirectory, CancellationToken cancellationToken)
    {
        var pidFile = Path.Combine(dataDirectory, PidFileName);
        if (!File.Exists(pidFile))
        {
            return;
        }

        var firstLine = File.ReadLines(pidFile).FirstOrDefault();
        if (int.TryParse(firstLine, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && IsPostmasterOf(pid, dataDirectory))
        {
            await ExternalCommand.RunAsync(binaries.PgCtl, StopArguments(dataDirectory), dataDirectory, cancellationToken);
            return;
        }

        File.Delete(pidFile);
    }

    private static bool IsPostmasterOf(int pid, string dataDirectory)
    {
        try
        {
            var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
            return arguments.Length > 0 && Path.GetFileName(arguments[0]) is "postgres" or "postmaster" && arguments.Contains(dataDirectory);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static int FindFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string ShellQuote(string value) => $"'{value.Replace("'", "'\\''", StringComparison.Ordinal)}'";

    /// <summary>The last lines the server logged since the log had <paramref name="fromLength"/> bytes: a reused cluster's log holds earlier runs.</summary>
    private string ReadLogTail(long fromLength = 0)
    {
        try
        {
            using var log = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            log.Seek(Math.Min(fromLength, log.Length), SeekOrigin.Begin);
            using var reader = new StreamReader(log);
            var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return string.Join(Environment.NewLine, lines.TakeLast(LogLinesInErrors));
        }
        catch (IOException)
        {
            return "(no server log)";
        }
    }

    private void StopOnProcessExit(object? sender, EventArgs e)
    {
        if (Interlocked.Exchange(ref stopped, 1) == 0)
        {
            ExternalCommand.Run(Binaries.PgCtl, StopArguments(DataDirectory), DataDirectory);
            DeleteDataDirectoryIfThrowaway();
        }
    }

    private void DeleteDataDirectoryIfThrowaway()
    {
        if (options.DeleteDataDirectoryOnDispose)
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
    }

    private void ForgetProcessExitHandler() => AppDomain.CurrentDomain.ProcessExit -= StopOnProcessExit;

    private sealed class PortTakenException : Exception;

    private sealed class SharedMemoryStillAttachedException : Exception;
}
