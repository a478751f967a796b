using System.Diagnostics;

namespace CooperationLedger.EventStore.Hosting;

/// <summary>Runs a PostgreSQL program, as the <c>postgres</c> OS user when this process is root (the server refuses root).</summary>
internal static class ExternalCommand
{
    public const string PostgresOsUser = "postgres";

    public static bool MustSwitchUser => Environment.IsPrivilegedProcess;

    public static Task<CommandOutcome> RunAsync(string program, IEnumerable<string> arguments, string workingDirectory, CancellationToken cancellationToken) =>
        MustSwitchUser
            ? RunAsItselfAsync("runuser", ["-u", PostgresOsUser, "--", program, .. arguments], workingDirectory, cancellationToken)
            : RunAsItselfAsync(program, arguments, workingDirectory, cancellationToken);

    /// <summary>For process-exit handlers, which cannot await.</summary>
    public static CommandOutcome Run(string program, IEnumerable<string> arguments, string workingDirectory) =>
        RunAsync(program, arguments, workingDirectory, CancellationToken.None).GetAwaiter().GetResult();

    public static async Task ChownToPostgresAsync(string path, CancellationToken cancellationToken)
    {
        var outcome = await RunAsItselfAsync("chown", [$"{PostgresOsUser}:{PostgresOsUser}", path], path, cancellationToken);
        if (!outcome.Succeeded)
        {
            throw new InvalidOperationException($"Could not give {path} to the {PostgresOsUser} OS user: {outcome.Output}");
        }
    }

    private static async Task<CommandOutcome> RunAsItselfAsync(string program, IEnumerable<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(program, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {program}.");
        var standardOutput = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var standardError = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return new CommandOutcome(process.ExitCode, (await standardOutput + await standardError).Trim());
    }
}

internal readonly record struct CommandOutcome(int ExitCode, string Output)
{
    public bool Succeeded => ExitCode == 0;
}
