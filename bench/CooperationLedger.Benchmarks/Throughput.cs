using System.Diagnostics;

namespace CooperationLedger.Benchmarks;

/// <summary>Runs an operation from N concurrent workers for a fixed time and counts what completed.</summary>
internal static class Throughput
{
    public static async Task<double> MeasureAsync(int workers, TimeSpan warmup, TimeSpan duration, Func<int, Task<int>> operation) =>
        (await MeasureAsync(workers, warmup, duration, operation, meter: null)).PerSecond;

    /// <summary>Also what <paramref name="meter"/> saw per completed item over the measured time (not the warm-up).</summary>
    public static async Task<(double PerSecond, string? CpuPerItem)> MeasureAsync(int workers, TimeSpan warmup, TimeSpan duration, Func<int, Task<int>> operation, CpuMeter? meter)
    {
        await RunAsync(workers, warmup, operation);
        meter?.Start();
        var stopwatch = Stopwatch.StartNew();
        var done = await RunAsync(workers, duration, operation);
        var elapsed = stopwatch.Elapsed;
        return (done / elapsed.TotalSeconds, meter?.PerOperation(done));
    }

    /// <summary>Each call of <paramref name="operation"/> returns how many items it completed (events, rows).</summary>
    private static async Task<long> RunAsync(int workers, TimeSpan duration, Func<int, Task<int>> operation)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var counts = await Task.WhenAll(Enumerable.Range(0, workers).Select(async worker =>
        {
            long completed = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                completed += await operation(worker);
            }

            return completed;
        }));
        return counts.Sum();
    }
}
