using CooperationLedger.Api.Hosting;
using CooperationLedger.Api.Http;
using CooperationLedger.Api.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CooperationLedger.Api.Health;

public sealed record Liveness(string Status);

public sealed record HealthReport(string Status, bool DatabaseAnswers, bool MigrationsApplied, bool ProjectionsRunning);

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder endpoints)
    {
        var health = endpoints.MapGroup("/health").WithTags("Health").AllowAnonymous();

        health.MapGet("/live", () => TypedResults.Ok(new Liveness("live")))
            .WithName("Live")
            .WithSummary("Is the process up")
            .WithDescription("200 whenever the process answers; needs no key.");

        health.MapGet("/ready", ReadyAsync)
            .Answers(StatusCodes.Status503ServiceUnavailable)
            .WithName("Ready")
            .WithSummary("Can the service do its work")
            .WithDescription("200 when the database answers, the migrations are applied and the projection daemon runs; 503 otherwise. Needs no key.");

        return endpoints;
    }

    private static async Task<Results<Ok<HealthReport>, ProblemHttpResult>> ReadyAsync(
        LedgerDatabase database, ProjectionDaemon daemon, CancellationToken cancellationToken)
    {
        var answers = await database.AnswersAsync(cancellationToken);
        var report = new HealthReport(
            answers && database.MigrationsApplied && daemon.IsRunning ? "ready" : "not ready",
            answers,
            database.MigrationsApplied,
            daemon.IsRunning);
        if (report.Status == "ready")
        {
            return TypedResults.Ok(report);
        }

        var missing = new[]
        {
            answers ? null : "the database does not answer",
            database.MigrationsApplied ? null : "the migrations are not applied",
            daemon.IsRunning ? null : "the projection daemon is not running",
        };
        return Problems.Problem(
            StatusCodes.Status503ServiceUnavailable,
            $"Not ready: {string.Join("; ", missing.OfType<string>())}.",
            new Dictionary<string, object?>
            {
                ["databaseAnswers"] = answers,
                ["migrationsApplied"] = database.MigrationsApplied,
                ["projectionsRunning"] = daemon.IsRunning,
            });
    }
}
