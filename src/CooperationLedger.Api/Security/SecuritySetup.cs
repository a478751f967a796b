using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using CooperationLedger.Api.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CooperationLedger.Api.Security;

public static class SecuritySetup
{
    /// <summary>API keys, a policy per role, per-key rate limiting, and CORS for the configured origins only.</summary>
    public static WebApplicationBuilder AddLedgerSecurity(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<ApiKeyRegistry>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, configureOptions: null);
        services.AddAuthorizationBuilder().AddLedgerRolePolicies();

        services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(PartitionFor);
            limiter.OnRejected = RejectAsync;
        });

        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<LedgerOptions>>((cors, ledger) =>
        {
            var origins = ledger.Value.Cors.Origins;
            if (origins.Count > 0)
            {
                cors.AddDefaultPolicy(policy => policy
                    .WithOrigins([.. origins])
                    .AllowAnyHeader()
                    .AllowAnyMethod()
                    .WithExposedHeaders("ETag", "Location", "Retry-After"));
            }
        });
        return builder;
    }

    /// <summary>Order matters: the rate limiter partitions by the key authentication found.</summary>
    public static WebApplication UseLedgerSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseCors();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        return app;
    }

    private static AuthorizationBuilder AddLedgerRolePolicies(this AuthorizationBuilder authorization)
    {
        foreach (var role in ApiRoles.All)
        {
            // No scheme named here: the key scheme is the default, so the user authentication found is the one the
            // policy judges, without authenticating the request a second time and merging the two.
            authorization.AddPolicy(role, policy => policy
                .RequireAuthenticatedUser()
                .RequireRole(role));
        }

        return authorization;
    }

    private static RateLimitPartition<string> PartitionFor(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/health") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/docs"))
        {
            return RateLimitPartition.GetNoLimiter("unlimited");
        }

        var settings = context.RequestServices.GetRequiredService<IOptions<LedgerOptions>>().Value.RateLimit;
        var partition = context.User.FindFirstValue(ApiKeyAuthenticationHandler.KeyIdClaim) is { } keyId
            ? $"key:{keyId}"
            : $"address:{context.Connection.RemoteIpAddress}";
        return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.PermitLimit,
            Window = TimeSpan.FromSeconds(settings.WindowSeconds),
            QueueLimit = 0,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Detail = $"Too many requests for this key; try again in {seconds} s.",
            },
        });
    }
}

public static class RoleRequirement
{
    /// <summary>
    /// Only keys holding <paramref name="role"/> (or a role that includes it) may call the endpoints; the OpenAPI
    /// document then lists the 401, 403 and 429 problems every keyed endpoint can answer.
    /// </summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, string role) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .RequireAuthorization(role)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
    }
}
