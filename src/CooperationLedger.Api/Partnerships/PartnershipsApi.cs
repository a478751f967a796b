using System.Diagnostics;
using CooperationLedger.Api.Http;
using CooperationLedger.Api.OpenApi;
using CooperationLedger.Api.Security;
using CooperationLedger.Domain;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CooperationLedger.Api.Partnerships;

public static class PartnershipsApi
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1_000;

    public static IEndpointRouteBuilder MapPartnershipsApi(this IEndpointRouteBuilder endpoints)
    {
        var partnerships = endpoints.MapGroup("/api/partnerships").WithTags("Partnerships");

        partnerships.MapPost("", OpenAsync)
            .RequireRole(ApiRoles.Writer)
            .Accepts<OpenPartnershipRequest>("application/json")
            .Answers(StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType, StatusCodes.Status422UnprocessableEntity)
            .WithName("OpenPartnership")
            .WithSummary("Open a partnership")
            .WithDescription("Records a `partnership-opened` entry in a new partnership (a new UUID v7). `occurredAt` defaults to today. Answers the summary with `Location` and `ETag: \"1\"`. An `Idempotency-Key` makes a retry with the same body return the first answer and write nothing; keys are the calling API key's own. The key with another body answers 422 (`rule`: `idempotency-key-reused`) and writes nothing.");

        partnerships.MapPost("/{id:guid}/events", AppendAsync)
            .RequireRole(ApiRoles.Writer)
            .Accepts<EntryRequest>("application/json")
            .Answers(
                StatusCodes.Status404NotFound,
                StatusCodes.Status409Conflict,
                StatusCodes.Status412PreconditionFailed,
                StatusCodes.Status413PayloadTooLarge,
                StatusCodes.Status415UnsupportedMediaType,
                StatusCodes.Status422UnprocessableEntity)
            .WithName("AppendEntries")
            .WithSummary("Append entries to a partnership")
            .WithDescription("The body is one entry `{type, occurredAt, data, source?}` or a JSON array of them, appended atomically. `If-Match: \"<version>\"` appends only at that version (412 otherwise, nothing written); without it the entries are decided against the latest state. An `Idempotency-Key` makes a retry with the same entries return the first answer and write nothing; the key with other entries (`rule`: `idempotency-key-reused`) or one another API key used on this partnership (`idempotency-key-of-another-client`) answers 422 and writes nothing. A rule that says no answers 422 with the rule's id in `rule`.");

        partnerships.MapGet("", ListAsync)
            .RequireRole(ApiRoles.Reader)
            .WithName("ListPartnerships")
            .WithSummary("List partnership summaries")
            .WithDescription("Filters: `stage`, partner `kind`, `q` (titles, partner names and every alias, ignoring case), `staleDays` (not closed, no activity for at least that many days). Ordered by title; `offset`/`limit` page it (default 100, at most 1000) and `total` counts every match.");

        partnerships.MapGet("/{id:guid}", GetAsync)
            .RequireRole(ApiRoles.Reader)
            .Answers(StatusCodes.Status404NotFound)
            .WithName("GetPartnership")
            .WithSummary("Get a partnership's summary")
            .WithDescription("The summary as of today, with `ETag: \"<version>\"`. `asOf=<instant>` answers what the ledger knew then; `validAt=<date>` what was true on that date given everything known now; both need the `auditor` role.");

        return endpoints;
    }

    private static async Task<Results<Created<PartnershipSummary>, ValidationProblem, ProblemHttpResult>> OpenAsync(
        HttpContext context, PartnershipCommands commands, CancellationToken cancellationToken)
    {
        var body = await RequestJson.ReadAsync(context.Request, cancellationToken);
        if (body.Problem is { } unreadable)
        {
            return unreadable;
        }

        if (!IdempotencyKeys.TryRead(context.Request, out var idempotencyKey, out var keyError))
        {
            return Problems.InvalidField(IdempotencyKeys.HeaderName, keyError);
        }

        var outcome = await commands.OpenAsync(body.Value, new Recording(RecordedBy(context), idempotencyKey), cancellationToken);
        switch (outcome)
        {
            case Opened opened:
                EntityTags.Set(context.Response, opened.Version);
                return TypedResults.Created($"/api/partnerships/{opened.PartnershipId}", opened.Summary);
            case InvalidInput invalid:
                return Problems.Invalid(invalid.Errors);
            case RuleBroken broken:
                return Problems.RuleBroken(broken);
            case KeyReused reused:
                return Problems.KeyReused(reused);
            default:
                throw new UnreachableException($"Opening a partnership cannot end in {outcome.GetType().Name}.");
        }
    }

    private static async Task<Results<Created<AppendedEntries>, ValidationProblem, ProblemHttpResult>> AppendAsync(
        Guid id, HttpContext context, PartnershipCommands commands, CancellationToken cancellationToken)
    {
        var body = await RequestJson.ReadAsync(context.Request, cancellationToken);
        if (body.Problem is { } unreadable)
        {
            return unreadable;
        }

        if (!EntityTags.TryReadIfMatch(context.Request, out var expectedVersion))
        {
            return Problems.InvalidField("If-Match", "Must be the partnership's version as an entity tag, such as \"3\".");
        }

        if (!IdempotencyKeys.TryRead(context.Request, out var idempotencyKey, out var keyError))
        {
            return Problems.InvalidField(IdempotencyKeys.HeaderName, keyError);
        }

        var outcome = await commands.AppendAsync(id, body.Value, expectedVersion, new Recording(RecordedBy(context), idempotencyKey), cancellationToken);
        switch (outcome)
        {
            case Appended appended:
                EntityTags.Set(context.Response, appended.Version);
                return TypedResults.Created($"/api/partnerships/{id}/timeline", AppendedEntries.From(appended));
            case InvalidInput invalid:
                return Problems.Invalid(invalid.Errors);
            case PartnershipNotFound:
                return Problems.PartnershipNotFound(id);
            case RuleBroken broken:
                return Problems.RuleBroken(broken);
            case KeyReused reused:
                return Problems.KeyReused(reused);
            case VersionMoved moved:
                return Problems.VersionMoved(moved);
            case KeptConflicting conflicting:
                return Problems.KeptConflicting(conflicting);
            default:
                throw new UnreachableException($"Appending cannot end in {outcome.GetType().Name}.");
        }
    }

    private static async Task<Results<Ok<PartnershipList>, ValidationProblem>> ListAsync(
        string? stage, string? kind, string? q, string? staleDays, string? offset, string? limit,
        PartnershipSummaries summaries, CancellationToken cancellationToken)
    {
        var query = new QueryValues();
        var filter = new PartnershipFilter(
            query.StableName<PartnershipStage>(nameof(stage), stage),
            query.StableName<PartnerKind>(nameof(kind), kind),
            q,
            query.Integer(nameof(staleDays), staleDays, 0, 36_500),
            query.Integer(nameof(offset), offset, 0, int.MaxValue) ?? 0,
            query.Integer(nameof(limit), limit, 1, MaxPageSize) ?? DefaultPageSize);
        if (query.HasErrors)
        {
            return Problems.Invalid(query.Errors);
        }

        var page = await summaries.ListAsync(filter, cancellationToken);
        return TypedResults.Ok(new PartnershipList(page.Items, page.Total));
    }

    private static async Task<Results<Ok<PartnershipSummary>, ValidationProblem, ProblemHttpResult>> GetAsync(
        Guid id, string? asOf, string? validAt, HttpContext context,
        PartnershipSummaries summaries, PartnershipTimeTravel timeTravel, CancellationToken cancellationToken)
    {
        var query = new QueryValues();
        var knownAt = query.Instant(nameof(asOf), asOf);
        var trueOn = query.Date(nameof(validAt), validAt);
        if (knownAt is not null && trueOn is not null)
        {
            query.Add(nameof(validAt), "Give asOf or validAt, not both.");
        }

        if (query.HasErrors)
        {
            return Problems.Invalid(query.Errors);
        }

        if ((knownAt is not null || trueOn is not null) && !context.User.IsInRole(ApiRoles.Auditor))
        {
            return Problems.Forbidden($"asOf and validAt need the '{ApiRoles.Auditor}' role; the key '{context.User.Identity?.Name}' does not have it.");
        }

        var summary = knownAt is { } instant ? await timeTravel.AsKnownAtAsync(id, instant, cancellationToken)
            : trueOn is { } day ? await timeTravel.AsTrueOnAsync(id, day, cancellationToken)
            : await summaries.FindAsync(id, cancellationToken);
        if (summary is null)
        {
            return knownAt is not null || trueOn is not null
                ? Problems.NotFound($"Partnership {id} has no entries {(knownAt is not null ? $"recorded by {asOf}" : $"that occurred by {validAt}")}.")
                : Problems.PartnershipNotFound(id);
        }

        EntityTags.Set(context.Response, summary.Version);
        return TypedResults.Ok(summary);
    }

    private static string RecordedBy(HttpContext context) =>
        context.User.Identity?.Name ?? throw new InvalidOperationException("A write reached its endpoint without an authenticated key.");
}
