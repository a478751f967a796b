using System.Diagnostics;
using System.Globalization;

namespace CooperationLedger.Benchmarks;

/// <summary>
/// CPU time spent by the server under test, by PostgreSQL (every process named postgres, so run one benchmark at a
/// time) and by this program's clients over a measured window, per operation. Throughput on a shared 2-core VM moves
/// with whatever else runs; CPU time per operation moves much less, so it shows whether a change made an operation
/// cheaper.
/// </summary>
internal sealed class CpuMeter(int serverProcessId)
{
    private (double Server, double Postgres, double Clients) start;

    public void Start() => start = Read();

    /// <summary>Milliseconds of CPU per operation since <see cref="Start"/>.</summary>
    public string PerOperation(long operations)
    {
        var end = Read();
        string Ms(double from, double to) => operations == 0 ? "?" : ((to - from) / operations).ToString("0.000", CultureInfo.InvariantCulture);
        return $"server {Ms(start.Server, end.Server)} ms, PostgreSQL {Ms(start.Postgres, end.Postgres)} ms, benchmark clients {Ms(start.Clients, end.Clients)} ms";
    }

    private (double Server, double Postgres, double Clients) Read()
    {
        var postgres = 0.0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var id) && ReadProcess(id) is { Name: "postgres" } process)
            {
                postgres += process.Milliseconds;
            }
        }

        return (ReadProcess(serverProcessId)?.Milliseconds ?? double.NaN, postgres, Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds);
    }

    private static (string Name, double Milliseconds)? ReadProcess(int id)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{id}/stat");
            var nameEnd = stat.LastIndexOf(')');
            var name = stat[(stat.IndexOf('(') + 1)..nameEnd];
            var fields = stat[(nameEnd + 2)..].Split(' ');
            // utime and stime are fields 14 and 15 of /proc/[pid]/stat, in clock ticks (100 per second on Linux);
            // cutime and cstime (16 and 17) hold what reaped children used, so that a backend exiting within the window
            // (a pooled connection pruned after a VACUUM) moves its CPU to the postmaster instead of out of the sum.
            var ticks = fields[11..15].Sum(field => long.Parse(field, CultureInfo.InvariantCulture));
            return (name, ticks * 10.0);
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
