using CooperationLedger.Api.Partnerships;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CooperationLedger.Api.Http;

/// <summary>The problem details (RFC 9457) every error answer of the API is made of.</summary>
public static class Problems
{
    public static ValidationProblem Invalid(IDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.ValidationProblem(
            errors,
            detail ?? $"The request has {errors.Count} invalid field{(errors.Count == 1 ? "" : "s")}: {string.Join(", ", errors.Keys.Select(key => key.Length == 0 ? "(body)" : key))}.");

    public static ValidationProblem InvalidField(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] }, $"{field}: {message}");

    public static ProblemHttpResult BadRequest(string detail) => Problem(StatusCodes.Status400BadRequest, detail);

    public static ProblemHttpResult NotFound(string detail) => Problem(StatusCodes.Status404NotFound, detail);

    public static ProblemHttpResult PartnershipNotFound(Guid partnershipId) =>
        NotFound($"There is no partnership {partnershipId}.");

    public static ProblemHttpResult Forbidden(string detail) => Problem(StatusCodes.Status403Forbidden, detail);

    public static ProblemHttpResult TooLarge(long limit) =>
        Problem(StatusCodes.Status413PayloadTooLarge, $"The request body is larger than the {limit} bytes this service accepts.");

    public static ProblemHttpResult VersionMoved(VersionMoved moved)
    {
        ArgumentNullException.ThrowIfNull(moved);
        return Problem(
            StatusCodes.Status412PreconditionFailed,
            $"If-Match expected version {moved.Expected}, but the partnership is at version {moved.Actual}; nothing was written. Read it again and decide anew.",
            new Dictionary<string, object?> { ["expectedVersion"] = moved.Expected, ["actualVersion"] = moved.Actual });
    }

    public static ProblemHttpResult RuleBroken(RuleBroken broken)
    {
        ArgumentNullException.ThrowIfNull(broken);
        var extensions = new Dictionary<string, object?> { ["rule"] = broken.Rejection.Rule };
        if (broken.EntryIndex is { } index)
        {
            extensions["index"] = index;
        }

        return Problem(
            StatusCodes.Status422UnprocessableEntity,
            broken.EntryIndex is { } entry ? $"Entry [{entry}]: {broken.Rejection.Reason}" : broken.Rejection.Reason,
            extensions);
    }

    public static ProblemHttpResult KeyReused(KeyReused reused)
    {
        ArgumentNullException.ThrowIfNull(reused);
        return Problem(
            StatusCodes.Status422UnprocessableEntity,
            reused.ByAnotherClient
                ? $"{IdempotencyKeys.HeaderName} '{reused.IdempotencyKey}' was used on this partnership by another API key; nothing was written. Send a key of your own."
                : $"{IdempotencyKeys.HeaderName} '{reused.IdempotencyKey}' was used for a request with other entries (type, occurredAt, data or source); nothing was written. Send a new key with a new request.",
            new Dictionary<string, object?> { ["rule"] = reused.ByAnotherClient ? "idempotency-key-of-another-client" : "idempotency-key-reused" });
    }

    public static ProblemHttpResult KeptConflicting(KeptConflicting conflicting)
    {
        ArgumentNullException.ThrowIfNull(conflicting);
        return Problem(
            StatusCodes.Status409Conflict,
            $"Other writers changed the partnership while this append was decided, {conflicting.Attempts} times in a row; nothing was written. Try again.");
    }

    public static ProblemHttpResult Problem(int status, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, extensions: extensions);
}
