using CooperationLedger.Api.Http;
using CooperationLedger.Api.OpenApi;
using CooperationLedger.Api.Security;
using CooperationLedger.EventStore.Projections;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CooperationLedger.Api.Projections;

/// <summary>A projection's state as the API shows it, with enum values as lower-case words.</summary>
/// <param name="Position">The last global sequence it applied.</param>
/// <param name="LagSeconds">How long ago the oldest event it has not applied was recorded.</param>
public sealed record ProjectionStatusView(
    string Name,
    string Mode,
    string State,
    long Position,
    long HeadSequence,
    long LagEvents,
    double LagSeconds,
    string? LastError,
    RebuildProgressView? Rebuild)
{
    public static ProjectionStatusView From(ProjectionStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new ProjectionStatusView(
            status.Name,
            status.Mode.ToString().ToLowerInvariant(),
            status.State.ToString().ToLowerInvariant(),
            status.Position,
            status.HeadSequence,
            status.LagEvents,
            status.LagSeconds,
            status.LastError,
            status.Rebuild is { } rebuild
                ? new RebuildProgressView(rebuild.EventsDone, rebuild.EventsTotal, rebuild.EventsPerSecond, rebuild.EstimatedRemaining?.TotalSeconds)
                : null);
    }
}

public sealed record RebuildProgressView(long EventsDone, long EventsTotal, double EventsPerSecond, double? EstimatedRemainingSeconds);

public sealed record ProjectionList(IReadOnlyList<ProjectionStatusView> Items);

public static class ProjectionsApi
{
    public static IEndpointRouteBuilder MapProjectionsApi(this IEndpointRouteBuilder endpoints)
    {
        var projections = endpoints.MapGroup("/api/projections").WithTags("Projections");

        projections.MapGet("", StatusAsync)
            .RequireRole(ApiRoles.Reader)
            .WithName("GetProjections")
            .WithSummary("Projection status and lag")
            .WithDescription("Every read model: its mode (inline, async, live), state (running, rebuilding, stopped, failed), position, lag behind the head in events and seconds, last error, and a rebuild's progress.");

        projections.MapPost("/{name}/rebuild", RebuildAsync)
            .RequireRole(ApiRoles.Admin)
            .Answers(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithName("RebuildProjection")
            .WithSummary("Rebuild a projection from zero")
            .WithDescription("Starts filling a fresh generation of the read model from the first event while the current one keeps answering; it is swapped in once caught up. Answers 202 with the status; follow it on GET /api/projections.");

        return endpoints;
    }

    private static async Task<Ok<ProjectionList>> StatusAsync(ProjectionEngine engine, CancellationToken cancellationToken)
    {
        var statuses = await engine.GetStatusAsync(cancellationToken);
        return TypedResults.Ok(new ProjectionList([.. statuses.Select(ProjectionStatusView.From)]));
    }

    private static async Task<Results<Accepted<ProjectionStatusView>, ProblemHttpResult>> RebuildAsync(
        string name, ProjectionEngine engine, CancellationToken cancellationToken)
    {
        try
        {
            var status = await engine.StartRebuildAsync(name, cancellationToken);
            return TypedResults.Accepted("/api/projections", ProjectionStatusView.From(status));
        }
        catch (UnknownProjectionException unknown)
        {
            return Problems.NotFound(unknown.Message);
        }
        catch (InvalidOperationException refused)
        {
            return Problems.Problem(StatusCodes.Status409Conflict, refused.Message);
        }
    }
}
