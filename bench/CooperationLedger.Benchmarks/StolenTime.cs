namespace CooperationLedger.Benchmarks;

/// <summary>
/// How much of the machine's CPU time the hypervisor gave to other guests (the "steal" column of /proc/stat) since
/// this reading was taken: on a shared VM a figure measured while half a core was stolen is not comparable.
/// </summary>
internal sealed class StolenTime
{
    private readonly long[]? start = Read();

    public string SinceStart()
    {
        var now = Read();
        if (start is null || now is null)
        {
            return "unknown (no /proc/stat)";
        }

        var total = now.Sum() - start.Sum();
        var stolen = now[7] - start[7];
        return total <= 0 ? "unknown" : $"{100.0 * stolen / total:0.0}% of all CPU time";
    }

    private static long[]? Read()
    {
        const string path = "/proc/stat";
        var line = File.Exists(path) ? File.ReadLines(path).FirstOrDefault(text => text.StartsWith("cpu ", StringComparison.Ordinal)) : null;
        return line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
    }
}
