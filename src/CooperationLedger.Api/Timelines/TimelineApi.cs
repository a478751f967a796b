using CooperationLedger.Api.Http;
using CooperationLedger.Api.OpenApi;
using CooperationLedger.Api.Security;
using CooperationLedger.Domain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CooperationLedger.Api.Timelines;

public static class TimelineApi
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1_000;

    private const string Formats =
        "`Accept: text/csv` answers CSV (a header row, one row per entry); `Accept: application/cloudevents-batch+json` a CloudEvents 1.0 batch.";

    public static IEndpointRouteBuilder MapTimelineApi(this IEndpointRouteBuilder endpoints)
    {
        var timelines = endpoints.MapGroup("/api").WithTags("Timeline").RequireRole(ApiRoles.Auditor);

        timelines.MapGet("/partnerships/{id:guid}/timeline", PartnershipTimelineAsync)
            .Answers(StatusCodes.Status404NotFound)
            .WithName("GetPartnershipTimeline")
            .WithSummary("A partnership's timeline")
            .WithDescription($"Every entry in version order: when it occurred and when and by whom it was recorded, a one-line summary (as corrected), the data as recorded, its hash chain link, and the corrections linking it both ways. {Formats}");

        timelines.MapGet("/timeline", FeedAsync)
            .WithName("GetTimelineFeed")
            .WithSummary("The whole ledger's feed")
            .WithDescription($"Entries of every partnership in sequence order. Filters: `from`/`to` (the days they occurred), `type`, `recordedBy`. Page with `after=<sequence>` (the previous page's `next`) and `limit` (default 100, at most 1000). {Formats}");

        return endpoints;
    }

    private static async Task<Results<Ok<PartnershipTimeline>, FileContentHttpResult, ProblemHttpResult>> PartnershipTimelineAsync(
        Guid id, HttpContext context, TimelineReader timelines, CancellationToken cancellationToken)
    {
        var items = await timelines.ForPartnershipAsync(id, cancellationToken);
        if (items is null)
        {
            return Problems.PartnershipNotFound(id);
        }

        var export = TimelineFormats.Export(TimelineFormats.Negotiate(context.Request), items, $"partnership-{id}-timeline");
        return export is null ? TypedResults.Ok(new PartnershipTimeline(items)) : export;
    }

    private static async Task<Results<Ok<TimelinePage>, FileContentHttpResult, ValidationProblem>> FeedAsync(
        string? from, string? to, string? type, string? recordedBy, string? after, string? limit,
        HttpContext context, TimelineReader timelines, CancellationToken cancellationToken)
    {
        var query = new QueryValues();
        var filter = new FeedFilter(
            query.Date(nameof(from), from),
            query.Date(nameof(to), to),
            string.IsNullOrWhiteSpace(type) ? null : type,
            string.IsNullOrWhiteSpace(recordedBy) ? null : recordedBy,
            query.Sequence(nameof(after), after) ?? 0,
            query.Integer(nameof(limit), limit, 1, MaxPageSize) ?? DefaultPageSize);
        if (filter.Type is { } alias && !PartnershipEventCatalog.TryGet(alias, out _))
        {
            query.Add(nameof(type), $"Unknown entry type '{alias}': expected one of {string.Join(", ", PartnershipEventCatalog.All.Select(entry => entry.Alias))}.");
        }

        if (query.HasErrors)
        {
            return Problems.Invalid(query.Errors);
        }

        var page = await timelines.FeedAsync(filter, cancellationToken);
        var export = TimelineFormats.Export(TimelineFormats.Negotiate(context.Request), page.Items, "ledger-timeline");
        return export is null ? TypedResults.Ok(page) : export;
    }
}
