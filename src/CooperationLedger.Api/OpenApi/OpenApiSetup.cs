using CooperationLedger.Api.Security;
using CooperationLedger.Api.Timelines;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace CooperationLedger.Api.OpenApi;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c> and Swagger UI at <c>/docs</c>. Transformers add what the
/// endpoints do not declare themselves: the API key scheme, each operation's roles (in words and as a security
/// requirement), its error answers as problem details, and examples drawn from the sample data.
/// </summary>
public static class OpenApiSetup
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";

    /// <summary>Where the Swagger UI is served.</summary>
    public const string SwaggerUiPath = "/docs";

    public const string SecuritySchemeName = "ApiKey";

    private const string JsonMediaType = "application/json";

    /// <summary>The operations on one partnership, whose 404 is that it does not exist.</summary>
    private static readonly HashSet<string?> PartnershipOperations =
        new(["AppendEntries", "GetPartnership", "GetPartnershipTimeline", "VerifyPartnership"], StringComparer.Ordinal);

    private static readonly Dictionary<int, string> ErrorDescriptions = new()
    {
        [StatusCodes.Status400BadRequest] = "The request cannot be read: malformed JSON, an unknown type, missing or ill-typed fields, an unparseable date or parameter. Validation problems list each field under `errors`.",
        [StatusCodes.Status401Unauthorized] = "No X-Api-Key header, or a key that is not known or was revoked.",
        [StatusCodes.Status403Forbidden] = "The key's roles do not cover this endpoint; `detail` names the role needed.",
        [StatusCodes.Status404NotFound] = "There is no such partnership, key or projection.",
        [StatusCodes.Status409Conflict] = "Other writers kept changing the partnership; nothing was written, try again.",
        [StatusCodes.Status412PreconditionFailed] = "If-Match named a version the partnership has moved on from; nothing was written. `expectedVersion` and `actualVersion` say which.",
        [StatusCodes.Status413PayloadTooLarge] = "The body is larger than the configured limit (1 MiB by default).",
        [StatusCodes.Status415UnsupportedMediaType] = "The body is not JSON.",
        [StatusCodes.Status422UnprocessableEntity] = "A rule of the ledger says no, or an Idempotency-Key was used for another request; `detail` explains and `rule` is the rule's stable id (`index` the entry of a batch).",
        [StatusCodes.Status429TooManyRequests] = "Too many requests for this key; the Retry-After header says when to try again.",
        [StatusCodes.Status503ServiceUnavailable] = "Not ready, or a read model has not caught up yet.",
    };

    public static WebApplicationBuilder AddLedgerOpenApi(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(services => SampleExamples.Load(services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions));
        builder.Services.AddOpenApi(DocumentName, options =>
        {
            options.AddSchemaTransformer(LedgerSchemas.DescribeConvertedTypesAsync);
            options.AddDocumentTransformer((document, _, _) =>
            {
                Describe(document);
                return Task.CompletedTask;
            });
            options.AddDocumentTransformer(LedgerSchemas.AddEntryDataSchemasAsync);
            options.AddOperationTransformer((operation, context, _) =>
            {
                var metadata = context.Description.ActionDescriptor.EndpointMetadata;
                AddRoles(operation, context.Document, metadata);
                DescribeErrors(operation);
                OperationDetails.Describe(operation);
                AddExamples(operation, context.ApplicationServices.GetRequiredService<SampleExamples>());
                return Task.CompletedTask;
            });
        });
        return builder;
    }

    public static WebApplication MapLedgerOpenApi(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        // Only requests for the UI go through its middleware, which otherwise matched every request against its files.
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(SwaggerUiPath),
            docs => docs.UseSwaggerUI(ui =>
            {
                ui.RoutePrefix = SwaggerUiPath[1..];
                ui.DocumentTitle = "Cooperation Ledger API";
                ui.SwaggerEndpoint(DocumentPath, "Cooperation Ledger API v1");
            }));
        return app;
    }

    private static void Describe(OpenApiDocument document)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Cooperation Ledger API",
            Version = DocumentName,
            Description = """
                An append-only, tamper-evident ledger of an institution's partnerships. Send an API key in the
                `X-Api-Key` header. Roles: `reader` (summaries, lists, organizations, pipeline), `auditor` (reader, and
                timelines, verification, exports, `asOf`/`validAt`), `writer` (reader, and appending), `admin`
                (everything, keys, projection rebuilds). Every error is `application/problem+json` (RFC 9457).
                A key's name is recorded as `recordedBy` on what it writes.
                """,
        };
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.HeaderName,
            Description = "An API key from configuration (Ledger:ApiKeys) or from POST /api/keys.",
        };
    }

    private static void AddRoles(OpenApiOperation operation, OpenApiDocument? document, IList<object> metadata)
    {
        if (metadata.OfType<IAllowAnonymous>().Any()
            || metadata.OfType<IAuthorizeData>().Select(data => data.Policy).OfType<string>().LastOrDefault() is not { } role)
        {
            return;
        }

        var holders = ApiRoles.All.Where(held => ApiRoles.Expand([held]).Contains(role));
        operation.Description = $"{operation.Description}\n\n**Roles:** `{role}` — held by keys with {string.Join(", ", holders.Select(held => $"`{held}`"))}.".TrimStart();
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement
        {
            [new OpenApiSecuritySchemeReference(SecuritySchemeName, document)] = [],
        });

        // Endpoints mapped with RequireRole declare these already; this covers any authorized another way.
        foreach (var status in new[] { StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests })
        {
            operation.Responses ??= [];
            operation.Responses.TryAdd(status.ToString(System.Globalization.CultureInfo.InvariantCulture), new OpenApiResponse
            {
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
                },
            });
        }
    }

    /// <summary>The endpoints declare which problems they answer; the descriptions say what each means here.</summary>
    private static void DescribeErrors(OpenApiOperation operation)
    {
        foreach (var (code, response) in operation.Responses ?? [])
        {
            if (int.TryParse(code, out var status) && ErrorDescriptions.TryGetValue(status, out var description) && response is OpenApiResponse concrete)
            {
                concrete.Description = description;
            }
        }
    }

    private static void AddExamples(OpenApiOperation operation, SampleExamples examples)
    {
        if (PartnershipOperations.Contains(operation.OperationId))
        {
            SetResponseExample(operation, "404", examples.PartnershipNotFound);
        }

        switch (operation.OperationId)
        {
            case "OpenPartnership":
                SetRequestExample(operation, examples.OpeningRequest);
                SetResponseExample(operation, "201", examples.OpenedSummary);
                SetResponseExample(operation, "422", examples.RuleBroken);
                break;
            case "AppendEntries":
                SetRequestExample(operation, examples.EntryRequest);
                SetResponseExample(operation, "201", examples.Appended);
                SetResponseExample(operation, "400", examples.Invalid);
                SetResponseExample(operation, "412", examples.VersionMoved);
                SetResponseExample(operation, "422", examples.RuleBroken);
                break;
            case "ListPartnerships":
                SetResponseExample(operation, "200", examples.SummaryList);
                break;
            case "GetPartnership":
                SetResponseExample(operation, "200", examples.Summary);
                break;
            case "GetPipeline":
                SetResponseExample(operation, "200", examples.Pipeline);
                break;
            case "GetOrganizations":
                SetResponseExample(operation, "200", examples.Organizations);
                break;
            case "GetPartnershipTimeline":
                SetResponseExample(operation, "200", examples.PartnershipTimeline, JsonMediaType);
                SetResponseExample(operation, "200", examples.PartnershipTimelineCsv, TimelineCsv.MediaType);
                SetResponseExample(operation, "200", examples.PartnershipTimelineCloudEvents, CloudEventsBatch.MediaType);
                break;
            case "GetTimelineFeed":
                SetResponseExample(operation, "200", examples.FeedPage, JsonMediaType);
                SetResponseExample(operation, "200", examples.FeedPageCsv, TimelineCsv.MediaType);
                SetResponseExample(operation, "200", examples.FeedPageCloudEvents, CloudEventsBatch.MediaType);
                break;
            case "VerifyPartnership":
                SetResponseExample(operation, "200", examples.PartnershipVerified);
                break;
            case "VerifyLedger":
                SetResponseExample(operation, "200", examples.LedgerVerified);
                break;
            case "GetProjections":
                SetResponseExample(operation, "200", examples.Projections);
                break;
            case "RebuildProjection":
                SetResponseExample(operation, "202", examples.RebuildStarted);
                SetResponseExample(operation, "404", examples.ProjectionNotFound);
                break;
            case "CreateKey":
                SetResponseExample(operation, "201", examples.CreatedKey);
                break;
            case "ListKeys":
                SetResponseExample(operation, "200", examples.Keys);
                break;
            case "GetSignedInUser":
                SetResponseExample(operation, "200", examples.SignedIn);
                break;
            case "Live":
                SetResponseExample(operation, "200", examples.Live);
                break;
            case "Ready":
                SetResponseExample(operation, "200", examples.Ready);
                break;
        }
    }

    private static void SetRequestExample(OpenApiOperation operation, System.Text.Json.Nodes.JsonNode example)
    {
        if (operation.RequestBody?.Content is { } content)
        {
            foreach (var mediaType in content.Values)
            {
                mediaType.Example = example.DeepClone();
            }
        }
    }

    /// <param name="mediaType">The one representation it shows; every one of the response when null.</param>
    private static void SetResponseExample(OpenApiOperation operation, string status, System.Text.Json.Nodes.JsonNode example, string? mediaType = null)
    {
        foreach (var (name, content) in operation.Responses?.GetValueOrDefault(status)?.Content ?? new Dictionary<string, OpenApiMediaType>())
        {
            if (mediaType is null || name == mediaType)
            {
                content.Example = example.DeepClone();
            }
        }
    }
}

public static class ProblemAnswers
{
    /// <summary>Declares the problem-details answers an endpoint gives besides those of its role (401, 403, 429).</summary>
    public static TBuilder Answers<TBuilder>(this TBuilder builder, params int[] statuses) where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var status in statuses)
        {
            builder.ProducesProblem(status);
        }

        return builder;
    }
}
