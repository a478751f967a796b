using System.Diagnostics;
using System.Globalization;
using CooperationLedger.EventStore.Hosting;
using CooperationLedger.Integration.Tests.Infrastructure;
using Npgsql;

namespace CooperationLedger.Integration.Tests;

/// <summary>
/// These start clusters of their own, apart from the test run's shared one, except when the run is pointed at an
/// existing server with LEDGER_TEST_CONNECTION: then no cluster may be started and those tests are skipped.
/// </summary>
public sealed class LocalPostgresTests : IDisposable
{
    private readonly string workDirectory = Directory.CreateTempSubdirectory("ledger-localpg-").FullName;

    // A temporary subdirectory is private to its creator; the server's OS user must be able to enter it.
    public LocalPostgresTests()
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(workDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
    }

    private string DataDirectory => Path.Combine(workDirectory, "data");

    public void Dispose() => Directory.Delete(workDirectory, recursive: true);

    [Fact]
    public async Task A_started_server_accepts_connections_on_loopback_with_the_given_settings_and_stops_on_dispose()
    {
        SkipWhenUsingAnExternalServer();
        var server = await StartAsync(LocalPostgresOptions.ThrowawayClusterSettings);
        int postmasterPid;
        await using (server)
        {
            Assert.Equal(server.Port.ToString(CultureInfo.InvariantCulture), await ShowAsync(server, "port"));
            Assert.Equal("127.0.0.1", await ShowAsync(server, "listen_addresses"));
            Assert.Equal("off", await ShowAsync(server, "fsync"));
            Assert.Equal("off", await ShowAsync(server, "full_page_writes"));
            Assert.Equal(DataDirectory, await ShowAsync(server, "data_directory"));
            Assert.Equal("127.0.0.1", new NpgsqlConnectionStringBuilder(server.ConnectionString).Host);
            postmasterPid = ReadPostmasterPid();
            if (Environment.IsPrivilegedProcess)
            {
                Assert.NotEqual("0", OwnerUidOf(postmasterPid));
            }
        }

        Assert.False(File.Exists(Path.Combine(DataDirectory, "postmaster.pid")));
        await Assert.ThrowsAnyAsync<NpgsqlException>(() => ShowAsync(server, "port"));
        Assert.True(File.Exists(Path.Combine(DataDirectory, "PG_VERSION")));
    }

    [Fact]
    public async Task A_cluster_in_the_data_directory_is_reused_across_restarts()
    {
        SkipWhenUsingAnExternalServer();
        await using (var first = await StartAsync())
        {
            await ExecuteAsync(first, "create table kept (note text); insert into kept values ('survives a restart')");
        }

        await using var second = await StartAsync();

        Assert.Equal("survives a restart", await ScalarAsync(second, "select note from kept"));
    }

    [Fact]
    public async Task A_crash_leaving_a_pid_file_that_names_a_live_process_does_not_block_the_next_start()
    {
        SkipWhenUsingAnExternalServer();
        var crashed = await StartAsync();
        await ExecuteAsync(crashed, "create table kept (note text); insert into kept values ('survives a crash')");
        using (var postmaster = Process.GetProcessById(ReadPostmasterPid()))
        {
            postmaster.Kill();
            await postmaster.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        await crashed.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        // After a crash the recorded pid may be reused by any process; this test process stands in for one.
        var pidFile = Path.Combine(DataDirectory, "postmaster.pid");
        var lines = await File.ReadAllLinesAsync(pidFile, TestContext.Current.CancellationToken);
        lines[0] = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        await File.WriteAllLinesAsync(pidFile, lines, TestContext.Current.CancellationToken);

        await using var restarted = await StartAsync();

        Assert.Equal("survives a crash", await ScalarAsync(restarted, "select note from kept"));
    }

    [Fact]
    public async Task A_directory_holding_something_else_is_not_turned_into_a_cluster()
    {
        SkipWhenUsingAnExternalServer();
        Directory.CreateDirectory(DataDirectory);
        await File.WriteAllTextAsync(Path.Combine(DataDirectory, "notes.txt"), "not a cluster", TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync());

        Assert.Contains("neither empty nor a PostgreSQL data directory", error.Message);
    }

    [Fact]
    public void Missing_server_programs_give_one_line_that_names_the_package_to_install()
    {
        var error = Assert.Throws<PostgresNotInstalledException>(() =>
            PostgresBinaries.Locate(pgConfigCommand: Path.Combine(workDirectory, "no-pg_config"), installRoot: workDirectory));

        Assert.Contains("apt-get install -y postgresql", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void The_newest_installed_version_with_all_server_programs_is_chosen()
    {
        CreateFakeInstallation("9.6", "postgres", "initdb", "pg_ctl");
        CreateFakeInstallation("15", "postgres", "initdb", "pg_ctl");
        CreateFakeInstallation("16", "postgres", "initdb");

        var binaries = PostgresBinaries.Locate(pgConfigCommand: Path.Combine(workDirectory, "no-pg_config"), installRoot: workDirectory);

        Assert.Equal(Path.Combine(workDirectory, "15", "bin"), binaries.Directory);
    }

    private static void SkipWhenUsingAnExternalServer() =>
        Assert.SkipWhen(PostgresServer.UsesExternalServer, $"{PostgresServer.ExternalServerVariable} is set, so this run starts no PostgreSQL of its own.");

    private void CreateFakeInstallation(string version, params string[] programs)
    {
        var bin = Directory.CreateDirectory(Path.Combine(workDirectory, version, "bin")).FullName;
        foreach (var program in programs)
        {
            File.WriteAllText(Path.Combine(bin, program), "");
        }
    }

    private Task<LocalPostgres> StartAsync(IReadOnlyDictionary<string, string>? settings = null) =>
        LocalPostgres.StartAsync(
            new LocalPostgresOptions { DataDirectory = DataDirectory, ServerSettings = settings ?? new Dictionary<string, string>() },
            TestContext.Current.CancellationToken);

    private int ReadPostmasterPid() =>
        int.Parse(File.ReadLines(Path.Combine(DataDirectory, "postmaster.pid")).First(), CultureInfo.InvariantCulture);

    private static string OwnerUidOf(int pid) =>
        File.ReadLines($"/proc/{pid}/status").First(line => line.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];

    private static async Task<string> ShowAsync(LocalPostgres server, string setting) =>
        (string)(await ScalarAsync(server, $"show {setting}"))!;

    private static async Task<object?> ScalarAsync(LocalPostgres server, string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }

    private static async Task ExecuteAsync(LocalPostgres server, string sql) => await ScalarAsync(server, sql);
}
