using System.Text.Json;
using CooperationLedger.Api.Http;
using CooperationLedger.Api.OpenApi;
using CooperationLedger.Api.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CooperationLedger.Api.Keys;

/// <param name="Name">Who uses the key; it becomes the recordedBy of every entry written with it.</param>
/// <param name="Roles">Any of reader, auditor, writer, admin.</param>
public sealed record CreateKeyRequest(string Name, IReadOnlyList<string> Roles);

public sealed record KeyList(IReadOnlyList<ApiKeyInfo> Items);

public static class KeysApi
{
    public const int MaxNameLength = 200;

    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder endpoints)
    {
        var keys = endpoints.MapGroup("/api/keys").WithTags("Keys").RequireRole(ApiRoles.Admin);

        keys.MapPost("", CreateAsync)
            .Accepts<CreateKeyRequest>("application/json")
            .Answers(StatusCodes.Status413PayloadTooLarge, StatusCodes.Status415UnsupportedMediaType)
            .WithName("CreateKey")
            .WithSummary("Create an API key")
            .WithDescription("Answers the new key once, in `key`; only its SHA-256 is stored. The key's `name` becomes the recordedBy of what it writes.");

        keys.MapGet("", ListAsync)
            .WithName("ListKeys")
            .WithSummary("List the keys created at run time")
            .WithDescription("Names, roles and dates; never the keys. Keys from configuration are not listed.");

        keys.MapDelete("/{id:guid}", RevokeAsync)
            .Answers(StatusCodes.Status404NotFound)
            .WithName("RevokeKey")
            .WithSummary("Revoke an API key")
            .WithDescription("The key stops working at once in this process, within seconds in others. Its name stays on what it wrote.");

        return endpoints;
    }

    private static async Task<Results<Created<CreatedApiKey>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        HttpContext context, ApiKeyRegistry registry, CancellationToken cancellationToken)
    {
        var body = await RequestJson.ReadAsync(context.Request, cancellationToken);
        if (body.Problem is { } unreadable)
        {
            return unreadable;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var name = body.Value.ValueKind == JsonValueKind.Object && body.Value.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String
            ? nameElement.GetString()!.Trim()
            : "";
        if (name.Length is 0 or > MaxNameLength)
        {
            errors["name"] = [$"Required: 1 to {MaxNameLength} characters naming who uses the key."];
        }

        var roles = new List<string>();
        if (body.Value.ValueKind == JsonValueKind.Object && body.Value.TryGetProperty("roles", out var rolesElement) && rolesElement.ValueKind == JsonValueKind.Array)
        {
            roles.AddRange(rolesElement.EnumerateArray().Select(role => role.ValueKind == JsonValueKind.String ? role.GetString()! : ""));
        }

        if (roles.Count == 0 || !roles.TrueForAll(ApiRoles.IsKnown))
        {
            errors["roles"] = [$"Required: a list of one or more of {string.Join(", ", ApiRoles.All)}."];
        }

        if (errors.Count > 0)
        {
            return Problems.Invalid(errors);
        }

        var created = await registry.CreateAsync(name, [.. roles.Distinct()], context.User.Identity?.Name ?? "unknown", cancellationToken);
        return TypedResults.Created($"/api/keys/{created.Id}", created);
    }

    private static async Task<Ok<KeyList>> ListAsync(ApiKeyRegistry registry, CancellationToken cancellationToken) =>
        TypedResults.Ok(new KeyList(await registry.ListAsync(cancellationToken)));

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(Guid id, ApiKeyRegistry registry, CancellationToken cancellationToken) =>
        await registry.RevokeAsync(id, cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound($"There is no active API key {id}.");
}
