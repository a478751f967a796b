using CooperationLedger.Benchmarks;

try
{
    // Each suite starts its own private PostgreSQL so baselines and the ledger share one server and one run.
    return args.FirstOrDefault() switch
    {
        "store" => await StoreBenchmarks.RunAsync(args[1..]),
        "projections" => await ProjectionBenchmarks.RunAsync(args[1..]),
        "http" => await HttpBenchmarks.RunAsync(args[1..]),
        "reader" => EntryReadingBenchmarks.Run(args[1..]),
        HttpFloorServer.Command => await HttpFloorServer.RunAsync(args[1..]),
        _ => Usage(),
    };
}
catch (BenchUsageException usage)
{
    Console.Error.WriteLine(usage.Message);
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench/CooperationLedger.Benchmarks -- <store|projections|http|reader> [options]");
    return 2;
}
