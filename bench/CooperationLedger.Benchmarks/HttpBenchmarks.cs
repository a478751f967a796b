using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CooperationLedger.Benchmarks;

/// <summary>
/// Issue "HTTP API", measured part: appends end to end over HTTP (keep-alive, 8 clients, Release build of the real
/// service in its own process) against raw single-row INSERTs on the same server in the same run, and the latency
/// of GET /api/partnerships/{id} with 10,000 partnerships stored.
/// </summary>
internal static class HttpBenchmarks
{
    private const string ApiKey = "bench-admin-key-0123456789abcdef";
    private const int Clients = 8;
    private const int PartnershipsPerClient = 64;
    private const int CreatedStatus = 201;

    /// <summary>The warm-up before each figure after the first round (at most <c>--warmup</c>).</summary>
    private const int LaterRoundWarmupSeconds = 3;

    /// <summary>Set-up requests go out as many at a time as the measured clients send.</summary>
    private static readonly ParallelOptions EachClient = new() { MaxDegreeOfParallelism = Clients };

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = StoreBenchmarks.ReadOption(args, "--seconds", 10);
        var storedPartnerships = StoreBenchmarks.ReadOption(args, "--partnerships", 10_000, minimum: Clients * PartnershipsPerClient);
        var duration = TimeSpan.FromSeconds(seconds);
        // A freshly started service is still compiling its hot paths (tiered JIT) for many seconds; --warmup lets a
        // run measure the steady state a long-running service is in.
        var warmup = TimeSpan.FromSeconds(StoreBenchmarks.ReadOption(args, "--warmup", Math.Max(1, seconds / 5), minimum: 0));

        // Only the appends, for comparing two builds of the service quickly; the ratio then needs a full run.
        var appendsOnly = args.Contains("--appends-only");
        // How many entries each partnership appended to already holds: an append must not cost its partnership's history.
        var history = StoreBenchmarks.ReadOption(args, "--history", 1);
        var rounds = StoreBenchmarks.ReadOption(args, "--rounds", 1);

        await using var server = await BenchServer.StartAsync(durable: args.Contains("--durable"));
        await using var service = await ServiceProcess.StartLedgerAsync(server.ConnectionString);
        using var http = service.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);

        Console.WriteLine($"# HTTP benchmarks (Release service in its own process; {(server.Durable ? "durable" : "throwaway")} cluster; {Clients} clients, keep-alive; {seconds} s per figure; {Environment.ProcessorCount} cores)");
        Console.WriteLine();

        var visitJson = BenchEvents.SampleVisitJson();
        var baseline = await RawInsertBaseline.CreateAsync(server, visitJson);
        await using var floorService = appendsOnly ? null : await ServiceProcess.StartFloorAsync(server.ConnectionString);

        var partnerships = await OpenPartnershipsAsync(http, Clients * PartnershipsPerClient);
        var appendBody = AppendBody(visitJson);
        if (history > 1)
        {
            await GrowHistoriesAsync(http, partnerships, history - 1, appendBody);
            await WaitForProjectionsAsync(http);
            Console.WriteLine($"Each of the {partnerships.Count} partnerships appended to holds {history:N0} entries before the appends are measured.");
            Console.WriteLine();
        }

        // Measured requests go out on connections of their own, each encoded once (KeepAliveConnection).
        using var appendConnections = await ClientConnections.OpenAsync(service.BaseAddress);
        var appendRequests = partnerships.ConvertAll(id => KeepAliveConnection.EncodePost(service.BaseAddress, $"/api/partnerships/{id}/events", appendBody, ("X-Api-Key", ApiKey)));
        var counters = new int[Clients];
        Task<int> AppendAsync(int client) =>
            appendConnections.SendAsync(client, appendRequests[(client * PartnershipsPerClient) + (counters[client]++ % PartnershipsPerClient)], CreatedStatus);

        // On a shared VM the machine's speed drifts within minutes, so one measurement of each, in a row, can compare
        // a fast minute with a slow one; rounds give each ratio its own baseline, measured seconds before or after it.
        Console.WriteLine("| round | order | raw single-row INSERT (Npgsql) /s | floor: HTTP endpoint doing only that INSERT /s | floor vs raw | POST /api/partnerships/{id}/events, 1 event /s | appends vs raw | CPU per floor request | CPU per append | CPU stolen |");
        Console.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |");
        // Each figure starts with nothing owed by the one before: the daemon caught up and the tables vacuumed, so that
        // autovacuum does not clean up the raw INSERTs' rows while the appends are measured, nor the reverse.
        async Task SettleAsync()
        {
            await WaitForProjectionsAsync(http);
            await server.ExecuteAsync("vacuum (analyze)");
        }

        var ratios = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            // Only the first round needs the long warm-up: after it the service has compiled its hot paths, and a short
            // one puts a round's three figures seconds apart instead of minutes, so that each ratio compares the machine
            // with itself. Rounds alternate the order, raw INSERT first and then appends first, so that a machine that
            // speeds up or slows down within a round favours neither side of the median.
            var roundWarmup = round == 1 ? warmup : TimeSpan.FromSeconds(Math.Min(warmup.TotalSeconds, LaterRoundWarmupSeconds));
            var stolen = new StolenTime();
            var appendsFirst = round % 2 == 0;
            var (raw, floor, floorCpu, appends, appendCpu) = (double.NaN, double.NaN, (string?)null, double.NaN, (string?)null);
            var figures = new List<Func<Task>>();
            if (!appendsOnly)
            {
                figures.Add(async () => raw = await Throughput.MeasureAsync(Clients, roundWarmup, duration, baseline.InsertAsync));
            }

            if (floorService is not null)
            {
                figures.Add(async () => (floor, floorCpu) = await MeasureFloorAsync(floorService, visitJson, roundWarmup, duration));
            }

            figures.Add(async () => (appends, appendCpu) = await Throughput.MeasureAsync(Clients, roundWarmup, duration, AppendAsync, new CpuMeter(service.ProcessId)));
            if (appendsFirst)
            {
                figures.Reverse();
            }

            foreach (var figure in figures)
            {
                await SettleAsync();
                await figure();
            }

            ratios.Add(appends / raw);
            Console.WriteLine($"| {round} | {(appendsFirst ? "appends first" : "raw first")} | {raw:N0} | {floor:N0} | {floor / raw:0.00}× | {appends:N0} | {appends / raw:0.00}× | {floorCpu} | {appendCpu} | {stolen.SinceStart()} |");
        }

        if (appendsOnly)
        {
            return 0;
        }

        ratios.Sort();
        // With an even number of rounds the median lies between the two middle ones; taking the upper of them flattered.
        var median = (ratios[(ratios.Count - 1) / 2] + ratios[ratios.Count / 2]) / 2;
        Console.WriteLine();
        Console.WriteLine($"Appends vs raw INSERT, median of {rounds} round(s): {median:0.00}× (lowest {ratios[0]:0.00}×, highest {ratios[^1]:0.00}×)");

        var stored = partnerships.Concat(await OpenPartnershipsAsync(http, storedPartnerships - partnerships.Count)).ToArray();
        await SettleAsync();
        foreach (var clients in new[] { 1, Clients })
        {
            var latencies = await MeasureReadsAsync(http, stored, clients, requestsPerClient: 20_000 / clients);
            Console.WriteLine();
            Console.WriteLine($"GET /api/partnerships/{{id}} with {stored.Length:N0} partnerships stored, {clients} client(s), {latencies.Length:N0} requests: " +
                $"p50 {Percentile(latencies, 0.50):0.00} ms, p99 {Percentile(latencies, 0.99):0.00} ms, max {latencies[^1]:0.00} ms");
        }

        return 0;
    }

    /// <summary>The entry every measured append posts: a visit with its source.</summary>
    public static string AppendBody(string visitJson) =>
        $$$"""{"type":"visit-held","occurredAt":"2024-04-01","data":{{{visitJson}}},"source":{"kind":"news-article","title":"Deepening the Cooperation of Sci-Tech Innovative Talents Cultivation","publishedOn":"2024-04-09"}}""";

    /// <summary>
    /// What any HTTP append costs on this machine: the same clients posting the same body to an endpoint, in its own
    /// process, that parses it and does the raw INSERT and nothing else.
    /// </summary>
    private static async Task<(double PerSecond, string? CpuPerItem)> MeasureFloorAsync(ServiceProcess floor, string visitJson, TimeSpan warmup, TimeSpan duration)
    {
        var body = $$"""{"type":"visit-held","occurredAt":"2024-04-01","data":{{visitJson}}}""";
        using var connections = await ClientConnections.OpenAsync(floor.BaseAddress);
        var requests = Enumerable.Range(0, Clients).Select(client => KeepAliveConnection.EncodePost(floor.BaseAddress, $"/floor/{client}", body)).ToArray();
        return await Throughput.MeasureAsync(
            Clients, warmup, duration, client => connections.SendAsync(client, requests[client], CreatedStatus), new CpuMeter(floor.ProcessId));
    }

    private static async Task<List<Guid>> OpenPartnershipsAsync(HttpClient http, int count)
    {
        var ids = new Guid[Math.Max(0, count)];
        await Parallel.ForAsync(0, ids.Length, EachClient, async (index, _) =>
        {
            var body = $$"""
                {"title":"Bench partnership {{index}}","occurredAt":"2024-03-21",
                 "partners":[{"name":"Bench University {{index}}","kind":"university","aliases":["BU {{index}}"]}],
                 "themes":["sci-tech innovative talents"]}
                """;
            using var response = await http.PostAsync("/api/partnerships", Json(body));
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new InvalidOperationException($"opening answered {(int)response.StatusCode}: {text}");
            }

            ids[index] = Guid.Parse(JsonNode.Parse(text)!["id"]!.GetValue<string>());
        });
        return [.. ids];
    }

    /// <summary>
    /// Appends <paramref name="entries"/> entries to each partnership through the service, a hundred per request (an
    /// atomic batch), so that the service has seen them as it sees any append.
    /// </summary>
    private static async Task GrowHistoriesAsync(HttpClient http, List<Guid> partnerships, int entries, string entryJson)
    {
        const int PerRequest = 100;
        await Parallel.ForEachAsync(partnerships, EachClient, async (partnershipId, _) =>
        {
            for (var appended = 0; appended < entries; appended += PerRequest)
            {
                var batch = $"[{string.Join(',', Enumerable.Repeat(entryJson, Math.Min(PerRequest, entries - appended)))}]";
                using var response = await http.PostAsync($"/api/partnerships/{partnershipId}/events", Json(batch));
                if (response.StatusCode != HttpStatusCode.Created)
                {
                    throw new InvalidOperationException($"growing a history answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        });
    }

    /// <summary>Until the daemon has applied every entry, so that catching up does not share the cores with the appends measured.</summary>
    private static async Task WaitForProjectionsAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            var items = JsonNode.Parse(await http.GetStringAsync("/api/projections"))!["items"]!.AsArray();
            if (items.All(item => item!["lagEvents"]!.GetValue<long>() == 0))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the projections did not catch up within 10 minutes");
            }

            await Task.Delay(500);
        }
    }

    private static async Task<double[]> MeasureReadsAsync(HttpClient http, Guid[] ids, int clients, int requestsPerClient)
    {
        var perClient = await Task.WhenAll(Enumerable.Range(0, clients).Select(async client =>
        {
            var random = new Random(client);
            var latencies = new double[requestsPerClient];
            for (var i = 0; i < requestsPerClient; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync($"/api/partnerships/{ids[random.Next(ids.Length)]}");
                await response.Content.LoadIntoBufferAsync();
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                response.EnsureSuccessStatusCode();
            }

            return latencies;
        }));
        var all = perClient.SelectMany(l => l).ToArray();
        Array.Sort(all);
        return all;
    }

    private static double Percentile(double[] sorted, double fraction) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];

    private static StringContent Json(string body) => new(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    /// <summary>One keep-alive connection per measured client.</summary>
    private sealed class ClientConnections(KeepAliveConnection[] connections) : IDisposable
    {
        public static async Task<ClientConnections> OpenAsync(Uri baseAddress) =>
            new(await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => KeepAliveConnection.OpenAsync(baseAddress))));

        /// <summary>One completed request, counted as one item.</summary>
        public async Task<int> SendAsync(int client, byte[] request, int expectedStatus)
        {
            await connections[client].SendAsync(request, expectedStatus);
            return 1;
        }

        public void Dispose()
        {
            foreach (var connection in connections)
            {
                connection.Dispose();
            }
        }
    }

    /// <summary>The service built in Release and run as its own process, the way it runs in production.</summary>
    private sealed class ServiceProcess : IAsyncDisposable
    {
        private readonly Process process;

        private ServiceProcess(Process process, Uri baseAddress)
        {
            this.process = process;
            BaseAddress = baseAddress;
        }

        public Uri BaseAddress { get; }

        public int ProcessId => process.Id;

        /// <summary>A client for setting up and for the measured reads: keep-alive connections, enough for every reader, kept for the whole run.</summary>
        public HttpClient CreateClient() =>
            new(new SocketsHttpHandler { MaxConnectionsPerServer = Clients * 2, PooledConnectionLifetime = Timeout.InfiniteTimeSpan })
            {
                BaseAddress = BaseAddress,
            };

        public static async Task<ServiceProcess> StartLedgerAsync(string connectionString)
        {
            var repository = FindRepositoryRoot();
            var output = Path.Combine(Path.GetTempPath(), $"ledger-bench-api-{Guid.NewGuid():N}");
            var build = Process.Start(new ProcessStartInfo("dotnet", ["build", "-c", "Release", "-o", output, Path.Combine(repository, "src", "CooperationLedger.Api")])
            {
                RedirectStandardOutput = true,
            })!;
            var buildOutput = await build.StandardOutput.ReadToEndAsync();
            await build.WaitForExitAsync();
            if (build.ExitCode != 0)
            {
                throw new InvalidOperationException($"building the service in Release failed:\n{buildOutput}");
            }

            return await StartAsync(Path.Combine(output, "CooperationLedger.Api.dll"), [], "/health/ready", new Dictionary<string, string>
            {
                ["ConnectionStrings__Ledger"] = connectionString,
                ["Ledger__SampleData"] = "false",
                ["Ledger__ApiKeys__0__Key"] = ApiKey,
                ["Ledger__ApiKeys__0__Name"] = "bench",
                ["Ledger__ApiKeys__0__Roles__0"] = "admin",
                // The benchmark measures the ledger, not the rate limiter.
                ["Ledger__RateLimit__PermitLimit"] = "1000000",
                ["Logging__LogLevel__Default"] = "Warning",
            });
        }

        /// <summary>This benchmark program itself, serving <see cref="HttpFloorServer"/> in its own process as the service does.</summary>
        public static Task<ServiceProcess> StartFloorAsync(string connectionString) =>
            StartAsync(typeof(HttpBenchmarks).Assembly.Location, [HttpFloorServer.Command], "/health", new Dictionary<string, string>
            {
                ["ConnectionStrings__Ledger"] = connectionString,
                ["Logging__LogLevel__Default"] = "Warning",
            });

        private static async Task<ServiceProcess> StartAsync(string assembly, string[] arguments, string readinessPath, Dictionary<string, string> environment)
        {
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet", [assembly, .. arguments, "--urls", $"http://127.0.0.1:{port}"])
            {
                WorkingDirectory = Path.GetDirectoryName(assembly)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine(e.Data); } };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            var baseAddress = new Uri($"http://127.0.0.1:{port}");
            using var probe = new HttpClient { BaseAddress = baseAddress };
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    using var ready = await probe.GetAsync(readinessPath);
                    if (ready.IsSuccessStatusCode)
                    {
                        return new ServiceProcess(process, baseAddress);
                    }
                }
                catch (HttpRequestException)
                {
                }

                await Task.Delay(200);
            }

            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(assembly)} did not become ready within 60 s");
        }

        public async ValueTask DisposeAsync()
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }

        private static string FindRepositoryRoot()
        {
            for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "CooperationLedger.sln")))
                {
                    return directory.FullName;
                }
            }

            throw new InvalidOperationException("run the benchmarks from inside the repository");
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
