using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using System.Text.Unicode;
using CooperationLedger.Api.Hosting;
using CooperationLedger.EventStore.Projections;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CooperationLedger.Api.Http;

/// <summary>
/// JSON in camelCase with absent values left out, and every error the service answers, its own or the framework's,
/// as an RFC 9457 problem details document.
/// </summary>
public static class HttpSetup
{
    public static WebApplicationBuilder AddLedgerHttp(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            // Names in the ledger are often Chinese; they are written as themselves, not as \u escapes.
            json.SerializerOptions.Encoder = JavaScriptEncoder.Create(UnicodeRanges.All);
        });
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Detail ??= FrameworkDetail(context.ProblemDetails.Status, context.HttpContext.Request);
            context.ProblemDetails.Extensions.TryAdd("traceId", context.HttpContext.TraceIdentifier);
        });
        builder.Services.AddExceptionHandler<KnownExceptionHandler>();
        return builder;
    }

    /// <summary>Problem details for exceptions and bare status codes, and the request body limit (413) enforced up front.</summary>
    public static WebApplication UseLedgerHttp(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(EnforceBodyLimitAsync);
        return app;
    }

    /// <summary>
    /// A declared length over the limit is refused before anything reads the body; an undeclared one is cut off by
    /// the server (Kestrel) or by <see cref="RequestJson"/>, which counts what it reads under any server.
    /// </summary>
    private static async Task EnforceBodyLimitAsync(HttpContext context, RequestDelegate next)
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<LedgerOptions>>().Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await Problems.TooLarge(limit).ExecuteAsync(context);
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit;
        }

        await next(context);
    }

    /// <summary>A detail for the problems the framework answers on its own (no route, wrong method or content type, a crash).</summary>
    private static string? FrameworkDetail(int? status, HttpRequest request) => status switch
    {
        StatusCodes.Status400BadRequest => "The request could not be read.",
        StatusCodes.Status404NotFound => $"Nothing is at {request.Method} {request.Path}.",
        StatusCodes.Status405MethodNotAllowed => $"{request.Path} does not answer {request.Method}.",
        StatusCodes.Status406NotAcceptable => "None of the media types in Accept can be produced here.",
        StatusCodes.Status415UnsupportedMediaType => $"The body must be JSON (Content-Type: application/json), not {request.ContentType ?? "without a type"}.",
        StatusCodes.Status500InternalServerError => "The service failed to answer; the traceId identifies the failure in its log.",
        _ => null,
    };

    private sealed class KnownExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            var (status, detail) = exception switch
            {
                BadHttpRequestException badRequest => (badRequest.StatusCode, badRequest.Message),
                UnknownProjectionException unknown => (StatusCodes.Status404NotFound, unknown.Message),
                _ => (0, ""),
            };
            if (status == 0)
            {
                return false;
            }

            httpContext.Response.StatusCode = status;
            return await problemDetails.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                Exception = exception,
                ProblemDetails = { Status = status, Detail = detail },
            });
        }
    }
}
