using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CooperationLedger.EventStore.Hosting;

namespace CooperationLedger.Integration.Tests.Api;

/// <summary>
/// The black-box test: the service started exactly as the README says (<c>dotnet run --project
/// src/CooperationLedger.Api</c>, with a throwaway <c>Ledger:DataDirectory</c>), called over HTTP with the admin key it
/// prints, stopped as a terminal would stop it, taking its PostgreSQL down with it, then started again on the same
/// data directory: the cluster is reused, the partnership opened before is still there beside the samples (loaded
/// once, not again), no new key is created or printed (the first one's file is named, and the key still works), and
/// the port is chosen once with <c>--urls</c> and once with <c>ASPNETCORE_URLS</c>.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed partial class ServiceProcessTests
{
    private const int SamplePartnerships = 3;
    private const string OpenedTitle = "Opened over real HTTP";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromMinutes(1);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private enum UrlsFrom
    {
        CommandLine,
        EnvironmentVariable,
    }

    [Fact]
    public async Task The_readme_command_serves_the_sample_ledger_on_an_embedded_postgres_that_a_restart_reuses_and_stops_it_on_exit()
    {
        var workDirectory = Path.Combine(Path.GetTempPath(), $"ledger-service-{Guid.NewGuid():N}");
        var dataDirectory = Path.Combine(workDirectory, "postgres");
        var keyFile = Path.Combine(workDirectory, "admin-api-key");
        try
        {
            string adminKey;
            Uri openedAt;
            await using (var first = RunningService.Start(dataDirectory, UrlsFrom.CommandLine))
            {
                await first.WaitUntilReadyAsync();
                var http = first.Http;
                adminKey = first.Output.Find(AdminKeyLine()) ?? throw new InvalidOperationException($"No admin key was printed:\n{first.Output}");
                using var anonymous = await http.GetAsync("/api/partnerships", Cancel);
                http.DefaultRequestHeaders.Add("X-Api-Key", adminKey);
                var sample = JsonNode.Parse(await http.GetStringAsync("/api/partnerships", Cancel))!;
                using var opened = await http.PostAsync("/api/partnerships", new StringContent(
                    ApiRequests.Opening(OpenedTitle).ToJsonString(), new MediaTypeHeaderValue("application/json")), Cancel);
                using var docs = await http.GetAsync("/docs/index.html", Cancel);

                Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
                Assert.Equal(SamplePartnerships, sample["total"]!.GetValue<int>());
                Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
                openedAt = opened.Headers.Location ?? throw new InvalidOperationException("The opened partnership has no Location.");
                Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
                Assert.True(File.Exists(Path.Combine(dataDirectory, "PG_VERSION")), "The embedded PostgreSQL keeps its cluster in Ledger:DataDirectory.");
                Assert.Equal(adminKey, (await File.ReadAllTextAsync(keyFile, Cancel)).Trim());
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
                await first.StopAsync();
            }

            await using (var second = RunningService.Start(dataDirectory, UrlsFrom.EnvironmentVariable))
            {
                await second.WaitUntilReadyAsync();
                var http = second.Http;
                http.DefaultRequestHeaders.Add("X-Api-Key", adminKey);
                using var listed = await http.GetAsync("/api/partnerships", Cancel);
                using var reopened = await http.GetAsync(openedAt, Cancel);

                Assert.Null(second.Output.Find(AdminKeyLine()));
                Assert.Equal(keyFile, second.Output.Find(AdminKeyFileLine()));
                Assert.Equal(adminKey, (await File.ReadAllTextAsync(keyFile, Cancel)).Trim());
                Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
                Assert.Equal(SamplePartnerships + 1, (await JsonOfAsync(listed))["total"]!.GetValue<int>());
                Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
                Assert.Equal(OpenedTitle, (await JsonOfAsync(reopened))["title"]!.GetValue<string>());
                await second.StopAsync();
            }
        }
        finally
        {
            await StopLeftoverPostgresAsync(dataDirectory);
            // Absent when the service failed before creating it; deleting it then would hide that failure.
            if (Directory.Exists(workDirectory))
            {
                Directory.Delete(workDirectory, recursive: true);
            }
        }
    }

    private static async Task SignalGroupAsync(int processGroup, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-" + signal, "--", $"-{processGroup}"]) { UseShellExecute = false })!;
        await kill.WaitForExitAsync(CancellationToken.None);
    }

    private static async Task<JsonNode> JsonOfAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;

    private static List<int> PostmastersOf(string dataDirectory) =>
        [.. Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Select(int.Parse!)
            .Where(pid =>
            {
                try
                {
                    var arguments = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0');
                    return Path.GetFileName(arguments[0]) == "postgres" && arguments.Contains(dataDirectory);
                }
                catch (IOException)
                {
                    return false;
                }
            })];

    /// <summary>Cleans up after a failed test, so that one failure does not leave a server running.</summary>
    private static async Task StopLeftoverPostgresAsync(string dataDirectory)
    {
        if (!File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
        {
            return;
        }

        var pgCtl = PostgresBinaries.Locate().PgCtl;
        var startInfo = Environment.IsPrivilegedProcess
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", pgCtl, "stop", "-D", dataDirectory, "-m", "immediate"])
            : new ProcessStartInfo(pgCtl, ["stop", "-D", dataDirectory, "-m", "immediate"]);
        using var stop = Process.Start(startInfo)!;
        await stop.WaitForExitAsync(CancellationToken.None);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CooperationLedger.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No CooperationLedger.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex(@"Cooperation Ledger is listening on (?<value>http://\S+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"^Admin API key: (?<value>\S+)")]
    private static partial Regex AdminKeyLine();

    [GeneratedRegex(@"^The first admin API key is in (?<value>.+)\.$")]
    private static partial Regex AdminKeyFileLine();

    /// <summary>
    /// One <c>dotnet run</c> of the service on a free port. Disposing it stops the service too, so that a failed
    /// assertion does not leave it running.
    /// </summary>
    private sealed class RunningService : IAsyncDisposable
    {
        private readonly Process process;
        private readonly string dataDirectory;
        private readonly string url;

        private RunningService(string dataDirectory, UrlsFrom urlsFrom)
        {
            this.dataDirectory = dataDirectory;
            url = $"http://127.0.0.1:{FreePort()}";
            process = StartProcess(dataDirectory, url, urlsFrom);
            Output = new ServiceOutput(process);
            Http = new HttpClient { BaseAddress = new Uri(url) };
        }

        public HttpClient Http { get; }

        public ServiceOutput Output { get; }

        public static RunningService Start(string dataDirectory, UrlsFrom urlsFrom) => new(dataDirectory, urlsFrom);

        /// <summary>Until it prints that it listens where it was told to, and then until it says it is ready.</summary>
        public async Task WaitUntilReadyAsync()
        {
            Assert.Equal(url, await Output.WaitForAsync(ListeningLine(), StartTimeout));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                using var ready = await Http.GetAsync("/health/ready", Cancel);
                if (ready.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                Assert.True(DateTime.UtcNow < deadline, $"/health/ready stayed {(int)ready.StatusCode}:\n{Output}");
                await Task.Delay(200, Cancel);
            }
        }

        /// <summary>Stops it and checks that it stopped, taking its PostgreSQL down with it.</summary>
        public async Task StopAsync()
        {
            await TerminateAsync();
            Assert.True(process.HasExited, $"The service did not stop within {StopTimeout}:\n{Output}");
            Assert.False(File.Exists(Path.Combine(dataDirectory, "postmaster.pid")), $"The embedded PostgreSQL is still running:\n{Output}");
            Assert.Empty(PostmastersOf(dataDirectory));
        }

        public async ValueTask DisposeAsync()
        {
            await TerminateAsync();
            Http.Dispose();
            process.Dispose();
        }

        /// <summary>In a session of its own, so that stopping it signals the whole tree and nothing of the test's.</summary>
        private static Process StartProcess(string dataDirectory, string url, UrlsFrom urlsFrom)
        {
            var startInfo = new ProcessStartInfo("setsid")
            {
                WorkingDirectory = RepositoryRoot(),
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "dotnet", "run", "--project", "src/CooperationLedger.Api" })
            {
                startInfo.ArgumentList.Add(argument);
            }

            if (urlsFrom == UrlsFrom.CommandLine)
            {
                startInfo.ArgumentList.Add("--urls");
                startInfo.ArgumentList.Add(url);
            }
            else
            {
                startInfo.Environment["ASPNETCORE_URLS"] = url;
            }

            startInfo.Environment["Ledger__DataDirectory"] = dataDirectory;
            // The test host's MSBuild settings would steer the nested build; a terminal has none of them.
            foreach (var variable in startInfo.Environment.Keys.Where(name => name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                startInfo.Environment.Remove(variable);
            }

            return Process.Start(startInfo) ?? throw new InvalidOperationException("Could not start dotnet run.");
        }

        /// <summary>SIGTERM to the session, as Ctrl+C or a service manager would stop it; SIGKILL only if it does not stop.</summary>
        private async Task TerminateAsync()
        {
            if (process.HasExited)
            {
                return;
            }

            await SignalGroupAsync(process.Id, "TERM");
            using var stopping = new CancellationTokenSource(StopTimeout);
            try
            {
                await process.WaitForExitAsync(stopping.Token);
            }
            catch (OperationCanceledException)
            {
                await SignalGroupAsync(process.Id, "KILL");
            }
        }
    }

    /// <summary>Everything the service prints, kept for matching and for failure messages.</summary>
    private sealed class ServiceOutput
    {
        private readonly List<string> lines = [];
        private readonly Process service;

        public ServiceOutput(Process service)
        {
            this.service = service;
            service.OutputDataReceived += (_, line) => Add(line.Data);
            service.ErrorDataReceived += (_, line) => Add(line.Data);
            service.BeginOutputReadLine();
            service.BeginErrorReadLine();
        }

        public string? Find(Regex pattern)
        {
            lock (lines)
            {
                return lines.Select(line => pattern.Match(line)).FirstOrDefault(match => match.Success)?.Groups["value"].Value;
            }
        }

        public async Task<string> WaitForAsync(Regex pattern, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            string? value;
            while ((value = Find(pattern)) is null)
            {
                Assert.False(service.HasExited, $"The service exited with {(service.HasExited ? service.ExitCode : 0)} before printing its URL:\n{this}");
                Assert.True(DateTime.UtcNow < deadline, $"The service printed no URL within {timeout}:\n{this}");
                await Task.Delay(200, Cancel);
            }

            return value;
        }

        public override string ToString()
        {
            lock (lines)
            {
                return string.Join('\n', lines.TakeLast(80));
            }
        }

        private void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (lines)
            {
                lines.Add(line);
            }
        }
    }
}
