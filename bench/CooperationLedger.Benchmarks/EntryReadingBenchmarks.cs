using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using CooperationLedger.Domain;

namespace CooperationLedger.Benchmarks;

/// <summary>
/// What the service spends reading one posted entry into a command, before anything is decided or stored: the shape
/// check and the deserialising of the body the HTTP benchmark appends. Single-threaded and without a database, so
/// BenchmarkDotNet can give its time and allocations to a few percent.
/// </summary>
[MemoryDiagnoser]
public class EntryReadingBenchmarks
{
    private JsonDocument? entry;

    [GlobalSetup]
    public void ParseTheEntry() =>
        entry = JsonDocument.Parse(HttpBenchmarks.AppendBody(BenchEvents.SampleVisitJson()));

    [GlobalCleanup]
    public void DisposeTheEntry() => entry?.Dispose();

    [Benchmark]
    public ReadResult<ValidatedCommands> ReadVisitEntry() => CommandReader.ReadEntries(entry!.RootElement);

    public static int Run(string[] args)
    {
        if (args.Length > 0)
        {
            throw new BenchUsageException($"reader takes no options, not '{args[0]}'.");
        }

        // In process: BenchmarkDotNet's generated projects would not build under this repository's central package
        // management and warnings-as-errors.
        var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
        var summary = BenchmarkRunner.Run<EntryReadingBenchmarks>(config);
        return summary.HasCriticalValidationErrors || summary.Reports.Any(report => !report.Success) ? 1 : 0;
    }
}
