using CooperationLedger.Api.Hosting;
using CooperationLedger.Api.Http;
using CooperationLedger.Api.Ledger;
using CooperationLedger.Api.Partnerships;
using CooperationLedger.Api.Security;
using CooperationLedger.Domain;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CooperationLedger.Api.Pipelines;

public static class PipelineApi
{
    public static IEndpointRouteBuilder MapPipelineApi(this IEndpointRouteBuilder endpoints)
    {
        var pipeline = endpoints.MapGroup("/api/pipeline").WithTags("Pipeline").RequireRole(ApiRoles.Reader);

        pipeline.MapGet("", PipelineAsync)
            .WithName("GetPipeline")
            .WithSummary("The partnership pipeline")
            .WithDescription("As of today: partnerships counted by stage and by stage and partner kind, the stale ones (no activity for `staleDays`, default 90), and the agreements in force that expire within `days` (default 90).");
        return endpoints;
    }

    private static async Task<Results<Ok<Pipeline>, ValidationProblem>> PipelineAsync(
        string? days, string? staleDays, PartnershipSummaries summaries, IOptions<LedgerOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var query = new QueryValues();
        var expiringWithin = query.Integer(nameof(days), days, 0, 36_500) ?? options.Value.Pipeline.ExpiringWithinDays;
        var staleAfter = query.Integer(nameof(staleDays), staleDays, 0, 36_500) ?? options.Value.Pipeline.StaleAfterDays;
        if (query.HasErrors)
        {
            return Problems.Invalid(query.Errors);
        }

        var all = await summaries.ListAsync(new PartnershipFilter(), cancellationToken);
        return TypedResults.Ok(Pipeline.Create(all.Items, clock.Today(), staleAfter, expiringWithin));
    }
}
