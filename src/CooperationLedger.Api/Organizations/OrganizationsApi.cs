using CooperationLedger.Api.Hosting;
using CooperationLedger.Api.Http;
using CooperationLedger.Api.OpenApi;
using CooperationLedger.Api.Ledger;
using CooperationLedger.Api.Security;
using CooperationLedger.Domain;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CooperationLedger.Api.Organizations;

public static class OrganizationsApi
{
    /// <summary>How long <c>minSequence</c> may hold a request while the daemon catches up.</summary>
    public static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(5);

    public static IEndpointRouteBuilder MapOrganizationsApi(this IEndpointRouteBuilder endpoints)
    {
        var organizations = endpoints.MapGroup("/api/organizations").WithTags("Organizations").RequireRole(ApiRoles.Reader);

        organizations.MapGet("", DirectoryAsync)
            .Answers(StatusCodes.Status503ServiceUnavailable)
            .WithName("GetOrganizations")
            .WithSummary("The organization directory")
            .WithDescription("Every organization met in the ledger, once: the names it was seen under (aliases), its partnerships, and the people who acted for it with the titles they held. Kept by the projection daemon, so it can trail an append by a moment; `minSequence=<sequence>` (an append's `sequence`) waits up to 5 s until the directory includes it.");
        return endpoints;
    }

    private static async Task<Results<Ok<OrganizationDirectory>, ValidationProblem, ProblemHttpResult>> DirectoryAsync(
        string? minSequence,
        NpgsqlDataSource dataSource,
        LedgerEventStore store,
        ProjectionEngine engine,
        IOptions<LedgerOptions> options,
        CancellationToken cancellationToken)
    {
        var query = new QueryValues();
        var awaited = query.Sequence(nameof(minSequence), minSequence);
        if (query.HasErrors)
        {
            return Problems.Invalid(query.Errors);
        }

        if (awaited is { } sequence)
        {
            try
            {
                await engine.WaitForNonStaleAsync(OrganizationsProjection.ProjectionName, sequence, CatchUpTimeout, cancellationToken);
            }
            catch (Exception behind) when (behind is TimeoutException or ProjectionFailedException)
            {
                return Problems.Problem(StatusCodes.Status503ServiceUnavailable, $"The organization directory has not reached sequence {sequence}: {behind.Message}");
            }
        }

        var table = await engine.ActiveTableAsync(OrganizationsProjection.ProjectionName, OrganizationsProjection.TableBaseName, cancellationToken);
        await using var command = dataSource.CreateCommand($"select sequence from {table}");
        var sequences = new List<long>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                sequences.Add(reader.GetInt64(0));
            }
        }

        var partnerships = (await store.ReadEventsAsync(sequences, cancellationToken))
            .GroupBy(recorded => recorded.StreamId)
            .Select(partnership => new PartnershipStream(partnership.Key, LedgerEntries.ToEntries(partnership)))
            .ToList();
        return TypedResults.Ok(OrganizationDirectory.Create(options.Value.HomeInstitution.ToDomain(), partnerships));
    }
}
