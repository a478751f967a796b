using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace CooperationLedger.Api.Security;

/// <summary>
/// Authenticates the <c>X-Api-Key</c> header. A missing or unknown key is answered 401 and a key whose roles do not
/// cover the endpoint 403, both as problem details that say what was missing.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyRegistry keys,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string HeaderName = "X-Api-Key";

    /// <summary>The claim holding the key's id, which the rate limiter partitions by.</summary>
    public const string KeyIdClaim = "ledger:key-id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers[HeaderName].ToString();
        if (string.IsNullOrEmpty(presented))
        {
            return AuthenticateResult.NoResult();
        }

        var identity = await keys.FindAsync(presented, Context.RequestAborted);
        if (identity is null)
        {
            return AuthenticateResult.Fail("The API key is not known, or was revoked.");
        }

        return AuthenticateResult.Success(new AuthenticationTicket(identity.Principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{SchemeName} header=\"{HeaderName}\"";
        var presented = !string.IsNullOrEmpty(Request.Headers[HeaderName].ToString());
        await WriteProblemAsync(
            StatusCodes.Status401Unauthorized,
            presented
                ? $"The API key in the {HeaderName} header is not known, or was revoked."
                : $"This endpoint needs an API key in the {HeaderName} header.");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var needed = Context.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>()
            .Select(data => data.Policy)
            .OfType<string>()
            .LastOrDefault();
        var held = string.Join(", ", Context.User.FindAll(ClaimTypes.Role).Select(claim => claim.Value));
        await WriteProblemAsync(
            StatusCodes.Status403Forbidden,
            needed is null
                ? $"The key '{Context.User.Identity?.Name}' (roles: {held}) may not use this endpoint."
                : $"This endpoint needs the '{needed}' role; the key '{Context.User.Identity?.Name}' has: {held}.");
    }

    private Task WriteProblemAsync(int status, string detail) =>
        problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Detail = detail },
        }).AsTask();
}
