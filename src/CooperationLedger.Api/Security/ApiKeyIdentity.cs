using System.Security.Claims;

namespace CooperationLedger.Api.Security;

/// <summary>Who a presented key belongs to. <see cref="Name"/> becomes the recordedBy of every event it writes.</summary>
/// <param name="Id">The runtime key's id, or <c>config:{n}</c> for a configured key.</param>
public sealed record ApiKeyIdentity(string Id, string Name, IReadOnlyList<string> Roles)
{
    /// <summary>
    /// The principal every request presenting the key is given, with the key's name, id and every role it effectively
    /// holds. Built once: a configured key is presented on every request for the life of the process, nothing after
    /// authentication changes a principal, and building one per request copied every claim each time.
    /// </summary>
    public ClaimsPrincipal Principal { get; } = new(new ClaimsIdentity(
        [
            new(ClaimTypes.Name, Name),
            new(ApiKeyAuthenticationHandler.KeyIdClaim, Id),
            .. ApiRoles.Expand(Roles).Select(role => new Claim(ClaimTypes.Role, role)),
        ],
        ApiKeyAuthenticationHandler.SchemeName));
}

/// <summary>A runtime key as <c>GET /api/keys</c> lists it; the key itself is never stored.</summary>
public sealed record ApiKeyInfo(Guid Id, string Name, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt);

/// <summary>A key just created: the only time its value is shown.</summary>
public sealed record CreatedApiKey(Guid Id, string Name, IReadOnlyList<string> Roles, string Key, DateTimeOffset CreatedAt);
