using System.Security.Claims;

namespace CooperationLedger.Api.Security;

/// <summary>Who a presented key belongs to. <see cref="Name"/> becomes the recordedBy of every event it writes.</summary>
/// <param name="Id">The runtime key's id, or <c>config:{n}</c> for a configured key.</param>
public sealed record ApiKeyIdentity(string Id, string Name, IReadOnlyList<string> Roles)
{
    /// <summary>
    /// Its name, id and every role it effectively holds, worked out once: a configured key is presented on every
    /// request for the life of the process.
    /// </summary>
    public IReadOnlyList<Claim> Claims { get; } =
    [
        new(ClaimTypes.Name, Name),
        new(ApiKeyAuthenticationHandler.KeyIdClaim, Id),
        .. ApiRoles.Expand(Roles).Select(role => new Claim(ClaimTypes.Role, role)),
    ];
}

/// <summary>A runtime key as <c>GET /api/keys</c> lists it; the key itself is never stored.</summary>
public sealed record ApiKeyInfo(Guid Id, string Name, IReadOnlyList<string> Roles, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt);

/// <summary>A key just created: the only time its value is shown.</summary>
public sealed record CreatedApiKey(Guid Id, string Name, IReadOnlyList<string> Roles, string Key, DateTimeOffset CreatedAt);
