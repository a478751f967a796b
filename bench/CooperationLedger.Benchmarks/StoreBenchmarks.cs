using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Serialization;

namespace CooperationLedger.Benchmarks;

/// <summary>
/// Issue "Foundation and event store", section 4: the store's appends against raw single-row INSERTs into a plain
/// table on the same server with the same payload, batch appends, and verification speed.
/// </summary>
internal static class StoreBenchmarks
{
    private const string StreamType = "partnership";
    private const int StreamsPerWorker = 64;
    private static readonly AppendMetadata Recorder = new("bench@ledger");

    public static async Task<int> RunAsync(string[] args)
    {
        var durable = args.Contains("--durable");
        var seconds = ReadOption(args, "--seconds", 10);
        var duration = TimeSpan.FromSeconds(seconds);
        var warmup = TimeSpan.FromSeconds(Math.Max(1, seconds / 5));

        await using var server = await BenchServer.StartAsync(durable);
        var store = new LedgerEventStore(server.DataSource, BenchEvents.CreateRegistry());
        var payload = BenchEvents.SampleVisit();
        var baseline = await RawInsertBaseline.CreateAsync(server, BenchEvents.SampleVisitJson());
        var occurredAt = OccurredAt.OnDate(new DateOnly(2024, 4, 1));

        Console.WriteLine($"# Store benchmarks ({(durable ? "durable: fsync and synchronous_commit on" : "throwaway cluster: fsync and synchronous_commit off")}; {seconds} s per figure after {warmup.TotalSeconds:0} s warm-up; {Environment.ProcessorCount} cores)");
        Console.WriteLine($"payload: {JsonSerializer.SerializeToUtf8Bytes(payload, BenchJsonContext.Default.BenchVisit).Length} bytes of JSON per event");
        Console.WriteLine();
        Console.WriteLine("| measurement | writers | events/s | vs raw INSERT |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");

        foreach (var writers in new[] { 1, 8 })
        {
            var raw = await Throughput.MeasureAsync(writers, warmup, duration, baseline.InsertAsync);
            Row("raw single-row INSERT", writers, raw, raw);

            var streams = StreamsFor(writers);
            var counters = new int[writers];
            var single = await Throughput.MeasureAsync(writers, warmup, duration, async worker =>
            {
                var stream = streams[worker][counters[worker]++ % StreamsPerWorker];
                var result = await store.AppendAsync(stream, StreamType, ExpectedVersion.Any, [new NewEvent(payload, occurredAt)], Recorder);
                return result.Events.Count;
            });
            Row("store append, 1 event", writers, single, raw);

            var batch = Enumerable.Range(0, 100).Select(_ => new NewEvent(payload, occurredAt)).ToArray();
            var batched = await Throughput.MeasureAsync(writers, warmup, duration, async worker =>
            {
                var stream = streams[worker][counters[worker]++ % StreamsPerWorker];
                var result = await store.AppendAsync(stream, StreamType, ExpectedVersion.Any, batch, Recorder);
                return result.Events.Count;
            });
            Row("store append, 100 events", writers, batched, raw);
        }

        var eventCount = await CountEventsAsync(server);
        var stopwatch = Stopwatch.StartNew();
        var verification = await store.VerifyAllAsync();
        var elapsed = stopwatch.Elapsed;
        if (!verification.Valid)
        {
            Console.Error.WriteLine($"verification failed at sequence {verification.FirstInvalidSequence}: {verification.Reason}");
            return 1;
        }

        Console.WriteLine($"| verify all ({verification.EventsChecked:N0} events in {elapsed.TotalSeconds:0.00} s) | 1 | {verification.EventsChecked / elapsed.TotalSeconds:N0} | |");
        return verification.EventsChecked == eventCount ? 0 : 1;
    }

    private static Guid[][] StreamsFor(int writers) =>
        Enumerable.Range(0, writers).Select(_ => Enumerable.Range(0, StreamsPerWorker).Select(_ => Guid.CreateVersion7()).ToArray()).ToArray();

    private static void Row(string measurement, int writers, double eventsPerSecond, double raw) =>
        Console.WriteLine($"| {measurement} | {writers} | {eventsPerSecond:N0} | {eventsPerSecond / raw:0.00}× |");

    private static async Task<long> CountEventsAsync(BenchServer server)
    {
        await using var command = server.DataSource.CreateCommand("select count(*) from ledger.events");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The whole number after <paramref name="name"/>, or <paramref name="fallback"/> when the option is not given.</summary>
    /// <exception cref="BenchUsageException">The option has no value, or one that is not a whole number of at least <paramref name="minimum"/>.</exception>
    internal static int ReadOption(string[] args, string name, int fallback, int minimum = 1)
    {
        var index = Array.IndexOf(args, name);
        if (index < 0)
        {
            return fallback;
        }

        return index + 1 < args.Length && int.TryParse(args[index + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum
            ? value
            : throw new BenchUsageException($"{name} needs a whole number of at least {minimum}.");
    }
}

/// <summary>A payload shaped and sized like a real <c>visit-held</c> event from the seed articles.</summary>
internal static class BenchEvents
{
    public static EventTypeRegistry CreateRegistry() => new EventTypeRegistry().Register("visit-held", BenchJsonContext.Default.BenchVisit);

    /// <summary><see cref="SampleVisit"/> as JSON, the payload every suite's raw INSERT and HTTP request carries.</summary>
    public static string SampleVisitJson() => JsonSerializer.Serialize(SampleVisit(), BenchJsonContext.Default.BenchVisit);

    public static BenchVisit SampleVisit() => new(
        Direction: "inbound",
        Location: "CTO School, Shanghai",
        DelegationLead: new("Chen Xin", "Deputy Director", "Science and Technology Commission of Jiading District, Shanghai"),
        Participants:
        [
            new("He Jiaxun", "Dean", "CTO School", "home"),
            new("Wang Zhenghuan", "Vice President", "CTO School", "home"),
            new("Wu Xiaobo", "Office Director", "CoETT", "home"),
            new("Peng Yuxin", "Deputy Director", "CoETT", "home"),
        ],
        Topics: ["cultivating sci-tech innovative talents", "customised training courses", "project docking between schools and enterprises"],
        Summary: "Discussed ways to cooperate in cultivating scientific and innovative talents.");
}

internal sealed record BenchPerson(string Name, string Title, string Organization);

internal sealed record BenchParticipant(string Name, string Title, string Organization, string Side);

internal sealed record BenchVisit(string Direction, string Location, BenchPerson DelegationLead, BenchParticipant[] Participants, string[] Topics, string Summary);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BenchVisit))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
