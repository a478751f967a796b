using System.Security.Claims;
using System.Text.Json.Serialization;
using CooperationLedger.Api.Security;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace CooperationLedger.Api;

/// <summary>
/// The web dashboard: static files from <c>wwwroot</c> (the page at <c>/</c>, its scripts and styles under
/// <c>/assets/</c>) and <c>GET /api/me</c>, which tells the page whose key it holds and which roles that key has.
/// </summary>
/// <remarks>
/// The files are served by endpoints marked anonymous rather than by the static-files middleware, so that the page
/// stays reachable whatever authorization fallback the API sets: the page itself holds no data, and every call it
/// makes for data carries the key and is authorized by the API.
/// </remarks>
public static class DashboardApi
{
    private const string IndexFile = "index.html";
    private const string AssetsFolder = "assets";

    // The page loads nothing from elsewhere and runs no inline script, so a name that slipped past escaping still
    // could not execute; images are limited to data: URIs (the empty favicon) and downloads to blob: links.
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static WebApplication MapDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var webRoot = app.Environment.WebRootFileProvider;

        app.MapGet("/", (HttpContext context) => ServeFile(context, webRoot, IndexFile))
            .AllowAnonymous()
            .ExcludeFromDescription();

        app.MapGet($"/{AssetsFolder}/{{**path}}", (HttpContext context, string path) =>
                ServeFile(context, webRoot, $"{AssetsFolder}/{path}"))
            .AllowAnonymous()
            .ExcludeFromDescription();

        app.MapGet("/api/me", (ClaimsPrincipal user) =>
                TypedResults.Json(SignedInUser.From(user), DashboardJsonContext.Default.SignedInUser))
            // Every role includes reader, so this admits any valid key.
            .RequireAuthorization(ApiRoles.Reader)
            .WithName("GetSignedInUser")
            .WithTags("Dashboard")
            .WithSummary("The signed-in API key: its name and roles")
            .WithDescription(
                "Any valid key. The dashboard calls it after sign-in to decide which pages and controls to show; `roles` "
                + "lists every role the key holds, included ones too. The name is what the ledger records as `recordedBy`.")
            .Produces<SignedInUser>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        return app;
    }

    private static IResult ServeFile(HttpContext context, IFileProvider webRoot, string path)
    {
        var file = webRoot.GetFileInfo(path);
        if (!file.Exists || file.IsDirectory || !ContentTypes.TryGetContentType(path, out var contentType))
        {
            return TypedResults.NotFound();
        }

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        // Revalidated on every load, so a deployed change shows at once; the ETag keeps that cheap.
        headers.CacheControl = "no-cache";

        var entityTag = new EntityTagHeaderValue($"\"{file.LastModified.UtcTicks:x}-{file.Length:x}\"");
        return TypedResults.File(file.CreateReadStream(), contentType, lastModified: file.LastModified, entityTag: entityTag);
    }
}

/// <param name="Name">The key's name, recorded as <c>recordedBy</c> on what it appends.</param>
/// <param name="Roles">Every role the key holds, included ones too (an auditor key is also a reader).</param>
public sealed record SignedInUser(string Name, IReadOnlyList<string> Roles)
{
    public static SignedInUser From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var roles = user.Identities
            .SelectMany(identity => identity.FindAll(identity.RoleClaimType))
            .Select(claim => claim.Value.ToLowerInvariant())
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        return new SignedInUser(user.Identity?.Name ?? "", roles);
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(SignedInUser))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
