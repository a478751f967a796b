namespace CooperationLedger.Benchmarks;

/// <summary>A command-line option the benchmarks cannot use; its message is the one line the user sees.</summary>
internal sealed class BenchUsageException(string message) : Exception(message);
