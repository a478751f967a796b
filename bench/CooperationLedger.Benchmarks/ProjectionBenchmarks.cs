using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using CooperationLedger.Api.Ledger;
using CooperationLedger.Api.Partnerships;
using CooperationLedger.Domain;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;

namespace CooperationLedger.Benchmarks;

/// <summary>
/// Issue "Projections", measured section: rebuild speed of the partnership summary over a realistic ledger, async
/// lag under a sustained append rate, and the live fold of a 1,000-event stream.
/// </summary>
internal static class ProjectionBenchmarks
{
    private static readonly TimeSpan LongWait = TimeSpan.FromMinutes(30);

    public static async Task<int> RunAsync(string[] args)
    {
        var durable = args.Contains("--durable");
        var eventCount = StoreBenchmarks.ReadOption(args, "--events", 1_000_000);
        var pageSize = StoreBenchmarks.ReadOption(args, "--page", 5_000);
        var appendRate = StoreBenchmarks.ReadOption(args, "--rate", 1_000);
        var lagSeconds = StoreBenchmarks.ReadOption(args, "--seconds", 30);
        var notify = args.Contains("--notify");

        await using var server = await BenchServer.StartAsync(durable);
        var store = new LedgerEventStore(server.DataSource, LedgerEventTypes.CreateRegistry());
        Console.WriteLine($"# Projection benchmarks ({(durable ? "durable: fsync and synchronous_commit on" : "throwaway cluster: fsync and synchronous_commit off")})");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {CpuModel()}, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}; load average at start {LoadAverage()}");

        var seeding = Stopwatch.StartNew();
        var seeded = await PartnershipLedgerGenerator.SeedAsync(store, eventCount, seed: 20240401);
        Console.WriteLine($"seeded {seeded:N0} events in {seeding.Elapsed.TotalSeconds:0.0} s ({seeded / seeding.Elapsed.TotalSeconds:N0} events/s, 8 writers)");
        await server.ExecuteAsync("vacuum analyze ledger.events");

        var projection = new TimedAsAsync(new PartnershipSummariesProjection(TimeProvider.System));
        var engine = new ProjectionEngine(server.DataSource, store, [projection], new ProjectionEngineOptions
        {
            BatchSize = pageSize,
            RebuildBatchSize = pageSize,
            PollInterval = TimeSpan.FromMilliseconds(200),
            RetiredGenerationGracePeriod = TimeSpan.FromSeconds(5),
            NotifyOnAppend = notify,
        });
        using var stopDaemon = new CancellationTokenSource();
        var daemon = engine.RunDaemonAsync(stopDaemon.Token);
        var head = await HeadAsync(server);

        Console.WriteLine();
        Console.WriteLine("| measurement | result | target |");
        Console.WriteLine("| --- | ---: | ---: |");
        var catchUp = Stopwatch.StartNew();
        await engine.WaitForNonStaleAsync(projection.Name, head, LongWait);
        Console.WriteLine($"| first build from zero (daemon catch-up, {seeded:N0} events, pages of {pageSize:N0}) | {seeded / catchUp.Elapsed.TotalSeconds:N0} events/s ({catchUp.Elapsed.TotalSeconds:0.0} s) | |");

        var reading = Stopwatch.StartNew();
        long read = 0;
        for (var page = await store.ReadAllAsync(0, pageSize); page.Count > 0; page = await store.ReadAllAsync(page[^1].Sequence, pageSize))
        {
            read += page.Count;
        }

        Console.WriteLine($"| reading the feed alone (store.ReadAllAsync, pages of {pageSize:N0}, rows turned into typed events) | {read / reading.Elapsed.TotalSeconds:N0} events/s | |");

        var applyTimeBefore = projection.ApplyTime;
        var rebuild = Stopwatch.StartNew();
        await engine.StartRebuildAsync(projection.Name);
        var progress = new List<string>();
        while ((await engine.GetStatusAsync(projection.Name)) is { Rebuild: { } running })
        {
            progress.Add($"{rebuild.Elapsed.TotalSeconds:0.0} s: {running.EventsDone:N0} / {running.EventsTotal:N0} events, {running.EventsPerSecond:N0}/s, ETA {running.EstimatedRemaining?.TotalSeconds:0.0} s");
            await Task.Delay(250);
        }

        rebuild.Stop();
        var rebuildRate = seeded / rebuild.Elapsed.TotalSeconds;
        Console.WriteLine($"| rebuild of the service's partnership-summaries (new generation from zero, then swap; {(projection.ApplyTime - applyTimeBefore).TotalSeconds:0.0} s of it in the projection's fold and write) | {rebuildRate:N0} events/s ({rebuild.Elapsed.TotalSeconds:0.0} s) | ≥ 50,000 events/s |");

        var live = await LiveFoldAsync(server, store);
        Console.WriteLine($"| live fold of a 1,000-event stream, cold: store.AggregateStreamAsync reads all 1,000 events (the read alone: median {live.ColdReadMedian:0.00} ms) | median {live.ColdMedian:0.00} ms, p95 {live.ColdP95:0.00} ms | median < 5 ms |");
        Console.WriteLine($"| live fold of a 1,000-event stream, StreamEventCache: reads only events appended since (1 appended before each fold) | median {live.CachedMedian:0.00} ms, p95 {live.CachedP95:0.00} ms | median < 5 ms |");

        var lag = await MeasureLagAsync(server, engine, store, projection.Name, appendRate, TimeSpan.FromSeconds(lagSeconds));
        Console.WriteLine($"| async lag, {lag.AchievedRate:N0} appends/s for {lagSeconds} s ({lag.Samples:N0} appends{(notify ? ", each with pg_notify" : "")}) | p50 {lag.P50:0} ms, p99 {lag.P99:0} ms, max {lag.Max:0} ms | p99 < 1,000 ms |");

        Console.WriteLine();
        Console.WriteLine("rebuild progress as reported by GetStatusAsync:");
        foreach (var line in progress.Where((_, index) => index % Math.Max(1, progress.Count / 8) == 0))
        {
            Console.WriteLine($"  {line}");
        }

        Console.WriteLine($"load average at end {LoadAverage()}");
        await stopDaemon.CancelAsync();
        await daemon;
        return 0;
    }

    private static async Task<LiveFoldFigures> LiveFoldAsync(BenchServer server, LedgerEventStore store)
    {
        var streamId = Guid.CreateVersion7();
        var random = new Random(7);
        var day = new DateOnly(2020, 1, 1);
        var recorder = new AppendMetadata("bench@ledger");
        await store.StartStreamAsync(streamId, PartnershipLedgerGenerator.StreamType, [new NewEvent(
            new PartnershipOpened("Cooperation with NEO Bay", [new Partner("NEO Bay Innovation Park", PartnerKind.Enterprise)]),
            EventStore.OccurredAt.OnDate(day))], recorder);
        for (var written = 1; written < 1_000; written += 111)
        {
            var batch = Enumerable.Range(0, Math.Min(111, 1_000 - written)).Select(offset => PartnershipLedgerGenerator.RoutineEvent(random, day.AddDays(written + offset))).ToList();
            await store.AppendAsync(streamId, PartnershipLedgerGenerator.StreamType, ExpectedVersion.Exactly(written), batch, recorder);
        }

        static PartnershipState Fold(IReadOnlyList<RecordedEvent> events) => PartnershipState.From(events.Select(LedgerEntries.ToEntry));
        var folded = await store.AggregateStreamAsync(streamId, Fold);
        if (folded.Version != 1_000)
        {
            throw new InvalidOperationException($"The live fold saw {folded.Version} events, not 1,000.");
        }

        var cold = await TimeAsync(() => store.AggregateStreamAsync(streamId, Fold));
        var coldRead = await TimeAsync(() => store.ReadStreamAsync(streamId));
        var cache = new StreamEventCache(server.DataSource, store.Registry);
        var version = 1_000L;
        // An append before each fold, so that every cached read also has a tail to fetch.
        var cached = await TimeEachAsync(async () =>
        {
            await store.AppendAsync(streamId, PartnershipLedgerGenerator.StreamType, ExpectedVersion.Exactly(version), [PartnershipLedgerGenerator.RoutineEvent(random, day.AddDays(2_000))], recorder);
            version++;
            var started = Stopwatch.GetTimestamp();
            var state = await cache.AggregateStreamAsync(streamId, Fold);
            var elapsed = Stopwatch.GetElapsedTime(started);
            return state.Version == version ? elapsed : throw new InvalidOperationException($"The cached fold saw version {state.Version}, not {version}.");
        });
        return new LiveFoldFigures(cold.Median, cold.P95, coldRead.Median, cached.Median, cached.P95);
    }

    private static Task<(double Median, double P95)> TimeAsync<T>(Func<Task<T>> operation) => TimeEachAsync(async () =>
    {
        var started = Stopwatch.GetTimestamp();
        await operation();
        return Stopwatch.GetElapsedTime(started);
    });

    /// <summary>30 warm-up runs, then the median and 95th percentile of 300, in milliseconds, as each run times itself.</summary>
    private static async Task<(double Median, double P95)> TimeEachAsync(Func<Task<TimeSpan>> timedOperation)
    {
        for (var warmup = 0; warmup < 30; warmup++)
        {
            await timedOperation();
        }

        var timings = new List<double>();
        for (var run = 0; run < 300; run++)
        {
            timings.Add((await timedOperation()).TotalMilliseconds);
        }

        timings.Sort();
        return (timings[timings.Count / 2], timings[(int)(timings.Count * 0.95)]);
    }

    /// <summary>
    /// Appends at a steady rate through the engine (as the API does) while a monitor samples the projection's
    /// checkpoint every couple of milliseconds; an event's lag is from its append returning to the first sample at or
    /// past its sequence. Three seconds at the same rate come first, unmeasured.
    /// </summary>
    private static async Task<LagFigures> MeasureLagAsync(BenchServer server, ProjectionEngine engine, LedgerEventStore store, string projectionName, int ratePerSecond, TimeSpan duration)
    {
        var streams = await PartnershipStreamsAsync(server);
        var appended = new ConcurrentBag<(long Sequence, long CommittedAt, double AppendMilliseconds)>();
        var samples = new List<(long At, long Position)>();
        using var stopMonitor = new CancellationTokenSource();
        var monitor = Task.Run(async () =>
        {
            await using var connection = await server.DataSource.OpenConnectionAsync();
            await using var command = new Npgsql.NpgsqlCommand("select position from ledger.projection_checkpoints where name = $1", connection);
            command.Parameters.Add(new() { Value = projectionName });
            await command.PrepareAsync();
            while (!stopMonitor.IsCancellationRequested)
            {
                var position = (long)(await command.ExecuteScalarAsync())!;
                samples.Add((Stopwatch.GetTimestamp(), position));
                await Task.Delay(2);
            }
        });

        using var inFlight = new SemaphoreSlim(64);
        var random = new Random(11);
        var day = new DateOnly(2025, 6, 1);
        var appends = new List<Task>();
        // Appends during the warm-up are not measured: they open the connection pool's connections, and a burst of
        // new PostgreSQL backends on 2 cores stalls everything for most of a second.
        var warmupCount = ratePerSecond * 3;
        var total = (int)(ratePerSecond * duration.TotalSeconds);
        var pausedBefore = TimeSpan.Zero;
        var measuredFrom = 0L;
        var started = Stopwatch.GetTimestamp();
        for (var issued = 0; issued < warmupCount + total; issued++)
        {
            if (issued == warmupCount)
            {
                pausedBefore = GC.GetTotalPauseDuration();
                measuredFrom = Stopwatch.GetTimestamp();
            }

            var measured = issued >= warmupCount;
            var due = started + (long)(issued * (double)Stopwatch.Frequency / ratePerSecond);
            while (Stopwatch.GetTimestamp() < due)
            {
                await Task.Delay(1);
            }

            await inFlight.WaitAsync();
            var streamId = streams[random.Next(streams.Count)];
            var routine = PartnershipLedgerGenerator.RoutineEvent(random, day);
            appends.Add(Task.Run(async () =>
            {
                try
                {
                    var issuedAt = Stopwatch.GetTimestamp();
                    var result = await engine.AppendWithInlineProjectionsAsync(streamId, PartnershipLedgerGenerator.StreamType, ExpectedVersion.Any, [routine], new AppendMetadata("bench@ledger"));
                    if (measured)
                    {
                        appended.Add((result.LastSequence, Stopwatch.GetTimestamp(), Stopwatch.GetElapsedTime(issuedAt).TotalMilliseconds));
                    }
                }
                finally
                {
                    inFlight.Release();
                }
            }));
        }

        await Task.WhenAll(appends);
        var achievedRate = total / Stopwatch.GetElapsedTime(measuredFrom).TotalSeconds;
        var last = appended.Max(item => item.Sequence);
        await engine.WaitForNonStaleAsync(projectionName, last, TimeSpan.FromSeconds(30));
        await Task.Delay(20);
        await stopMonitor.CancelAsync();
        await monitor;

        var lags = appended.Select(item =>
        {
            var seen = samples.First(sample => sample.At >= item.CommittedAt && sample.Position >= item.Sequence);
            return (seen.At - item.CommittedAt) * 1000.0 / Stopwatch.Frequency;
        }).Order().ToList();
        var appendLatencies = appended.Select(item => item.AppendMilliseconds).Order().ToList();
        var longestSampleGap = samples.Zip(samples.Skip(1), (earlier, later) => (later.At - earlier.At) * 1000.0 / Stopwatch.Frequency).Max();
        Console.Error.WriteLine($"lag phase: append latency p50 {appendLatencies[appendLatencies.Count / 2]:0.0} ms, p99 {appendLatencies[(int)(appendLatencies.Count * 0.99)]:0.0} ms, max {appendLatencies[^1]:0} ms; GC pauses {(GC.GetTotalPauseDuration() - pausedBefore).TotalMilliseconds:0} ms; longest gap between monitor samples {longestSampleGap:0} ms");
        return new LagFigures(achievedRate, lags.Count, lags[lags.Count / 2], lags[(int)(lags.Count * 0.99)], lags[^1]);
    }

    private static async Task<List<Guid>> PartnershipStreamsAsync(BenchServer server)
    {
        await using var command = server.DataSource.CreateCommand("select id from ledger.streams where type = 'partnership' order by id limit 5000");
        await using var reader = await command.ExecuteReaderAsync();
        var streams = new List<Guid>();
        while (await reader.ReadAsync())
        {
            streams.Add(reader.GetGuid(0));
        }

        return streams;
    }

    private static async Task<long> HeadAsync(BenchServer server)
    {
        await using var command = server.DataSource.CreateCommand("select max(sequence) from ledger.events");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Other work on the machine moves these figures a lot on 2 cores, so the run states how busy it was.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) + " (1 / 5 / 15 min)" : "unknown";

    private static string CpuModel()
    {
        const string path = "/proc/cpuinfo";
        return File.Exists(path)
            ? File.ReadLines(path).FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
    }

    private sealed record LiveFoldFigures(double ColdMedian, double ColdP95, double ColdReadMedian, double CachedMedian, double CachedP95);

    private sealed record LagFigures(double AchievedRate, int Samples, double P50, double P99, double Max);
}
