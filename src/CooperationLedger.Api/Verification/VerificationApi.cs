using CooperationLedger.Api.Http;
using CooperationLedger.Api.OpenApi;
using CooperationLedger.Api.Security;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.TamperEvidence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CooperationLedger.Api.Verification;

/// <summary>The outcome of recomputing the hash chain from the stored rows.</summary>
/// <param name="FirstInvalidSequence">The lowest sequence at which a check fails.</param>
/// <param name="Failure">What failed there, such as <c>hash-mismatch</c>.</param>
public sealed record VerificationReport(bool Valid, long EventsChecked, long? FirstInvalidSequence = null, string? Failure = null, string? Reason = null)
{
    public static VerificationReport From(VerificationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new VerificationReport(result.Valid, result.EventsChecked, result.FirstInvalidSequence, FailureName(result.Failure), result.Reason);
    }

    private static string? FailureName(VerificationFailure? failure) => failure switch
    {
        null => null,
        VerificationFailure.HashMismatch => "hash-mismatch",
        VerificationFailure.VersionOutOfSequence => "version-out-of-sequence",
        VerificationFailure.BrokenLink => "broken-link",
        VerificationFailure.StreamVersionMismatch => "stream-version-mismatch",
        VerificationFailure.UnknownStream => "unknown-stream",
        VerificationFailure.UnreadableRow => "unreadable-row",
        _ => failure.ToString(),
    };
}

public static class VerificationApi
{
    public static IEndpointRouteBuilder MapVerificationApi(this IEndpointRouteBuilder endpoints)
    {
        var verification = endpoints.MapGroup("/api").WithTags("Verification").RequireRole(ApiRoles.Auditor);

        verification.MapGet("/partnerships/{id:guid}/verify", VerifyPartnershipAsync)
            .Answers(StatusCodes.Status404NotFound)
            .WithName("VerifyPartnership")
            .WithSummary("Verify a partnership's hash chain")
            .WithDescription("Recomputes every entry's hash from the stored row and checks the links between them and the partnership's recorded version. `valid: false` names the first sequence that fails and why.");

        verification.MapGet("/verify", VerifyAllAsync)
            .WithName("VerifyLedger")
            .WithSummary("Verify the whole ledger")
            .WithDescription("The same checks over every partnership, in one pass in sequence order.");

        return endpoints;
    }

    private static async Task<Results<Ok<VerificationReport>, ProblemHttpResult>> VerifyPartnershipAsync(
        Guid id, LedgerEventStore store, CancellationToken cancellationToken)
    {
        if (await store.GetStreamStateAsync(id, cancellationToken) is null)
        {
            return Problems.PartnershipNotFound(id);
        }

        return TypedResults.Ok(VerificationReport.From(await store.VerifyStreamAsync(id, cancellationToken)));
    }

    private static async Task<Ok<VerificationReport>> VerifyAllAsync(LedgerEventStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(VerificationReport.From(await store.VerifyAllAsync(cancellationToken)));
}
