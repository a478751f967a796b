using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CooperationLedger.Api.Health;
using CooperationLedger.Api.Http;
using CooperationLedger.Api.Hosting;
using CooperationLedger.Api.Keys;
using CooperationLedger.Api.Organizations;
using CooperationLedger.Api.Partnerships;
using CooperationLedger.Api.Projections;
using CooperationLedger.Api.Security;
using CooperationLedger.Api.Timelines;
using CooperationLedger.Api.Verification;
using CooperationLedger.Domain;
using CooperationLedger.EventStore.Projections;
using AppendedEvent = CooperationLedger.EventStore.AppendedEvent;

namespace CooperationLedger.Api.OpenApi;

/// <summary>
/// Examples for the OpenAPI document, drawn from <c>samples/cto-school.json</c>: the request bodies as they are in
/// the file, and the answers as the domain folds them (replayed in memory, as of a day shortly after the articles).
/// The API's own records are serialized with the options its endpoints answer with, so an example has their shape.
/// </summary>
/// <remarks>
/// The chain's real hashes come from the store's hasher over stored rows, which an in-memory replay does not have.
/// The examples' hashes are SHA-256 of <c>example-hash/{sequence}</c> instead: well-formed, and linked as a real chain
/// is, each entry's <c>prevHash</c> the hash of its partnership's previous entry.
/// </remarks>
public sealed class SampleExamples
{
    private const int FeedPageSize = 5;

    // Plainly not a key, yet as long as one: cl_ and 32 random bytes in base64url.
    private const string ExampleKey = "cl_example000000000000000000000000000000000000";

    private static readonly DateOnly AsOf = new(2024, 4, 12);
    private static readonly DateTimeOffset RecordedAt = new(2024, 4, 10, 9, 0, 0, TimeSpan.Zero);

    private readonly JsonSerializerOptions wire;

    private SampleExamples(JsonElement sample, JsonSerializerOptions wire)
    {
        this.wire = wire;
        var first = sample.GetProperty("partnerships")[0];
        OpeningRequest = JsonNode.Parse(first.GetProperty("open").GetRawText())!;
        EntryRequest = JsonNode.Parse(first.GetProperty("events")[0].GetRawText())!;
        var home = sample.GetProperty("homeInstitution").Deserialize(DomainJsonContext.Default.HomeInstitution)!;
        var streams = Replay(sample);
        var summaries = streams.Select(stream => PartnershipSummary.Create(stream.PartnershipId, stream.Entries, AsOf)).ToList();

        Summary = Node(summaries[0], DomainJsonContext.Default.PartnershipSummary);
        OpenedSummary = Node(PartnershipSummary.Create(streams[0].PartnershipId, streams[0].Entries.Take(1), AsOf), DomainJsonContext.Default.PartnershipSummary);
        SummaryList = new JsonObject
        {
            ["items"] = Node(summaries, DomainJsonContext.Default.IReadOnlyListPartnershipSummary),
            ["total"] = summaries.Count,
        };
        Pipeline = Node(Domain.Pipeline.Create(summaries, AsOf, staleAfterDays: 90, expiringWithinDays: 90), DomainJsonContext.Default.Pipeline);
        Organizations = Node(OrganizationDirectory.Create(home, streams), DomainJsonContext.Default.OrganizationDirectory);
        var opened = streams[0].Entries;
        Appended = Wire(AppendedEntries.From(new Appended(
            streams[0].PartnershipId,
            [.. opened.Skip(1).Take(1).Select(entry => new AppendedEvent(entry.EventId, entry.Sequence, entry.Version, IllustrativeHash(entry.Sequence), entry.RecordedAt))],
            WasRetry: false)));
        var timelines = streams.Select(TimelineOf).ToList();
        PartnershipTimeline = Wire(new PartnershipTimeline(timelines[0]));
        PartnershipTimelineCsv = TimelineCsv.Write(timelines[0]);
        PartnershipTimelineCloudEvents = JsonNode.Parse(CloudEventsBatch.Write(timelines[0]))!;
        var feedPage = timelines.SelectMany(items => items).OrderBy(item => item.Sequence).Take(FeedPageSize).ToList();
        FeedPage = Wire(new TimelinePage(feedPage, feedPage[^1].Sequence));
        FeedPageCsv = TimelineCsv.Write(feedPage);
        FeedPageCloudEvents = JsonNode.Parse(CloudEventsBatch.Write(feedPage))!;
        var head = streams.Sum(stream => stream.Entries.Count);
        PartnershipVerified = Wire(new VerificationReport(Valid: true, EventsChecked: opened.Count));
        LedgerVerified = Wire(new VerificationReport(Valid: true, EventsChecked: head));
        var organizations = new OrganizationsProjection();
        Projections = Wire(new ProjectionList(
            [.. new IProjection[] { new PartnershipSummariesProjection(TimeProvider.System), organizations }.Select(projection => StatusOf(projection, head, rebuild: null))]));
        RebuildStarted = Wire(StatusOf(organizations, head, new RebuildProgress(EventsDone: 0, EventsTotal: head, EventsPerSecond: 0, EstimatedRemaining: null)));
        var key = new CreatedApiKey(Guid.Parse("0191c0de-0002-7000-8000-000000000001"), "international-office", [ApiRoles.Writer], ExampleKey, RecordedAt);
        CreatedKey = Wire(key);
        Keys = Wire(new KeyList([new ApiKeyInfo(key.Id, key.Name, key.Roles, key.CreatedAt, CreatedBy: "admin", RevokedAt: null)]));
        SignedIn = Node(SignedInUser.From(new ApiKeyIdentity("config:0", "audit-office", [ApiRoles.Auditor]).Principal), DashboardJsonContext.Default.SignedInUser);
        Live = Wire(new Liveness("live"));
        Ready = Wire(new HealthReport("ready", DatabaseAnswers: true, MigrationsApplied: true, ProjectionsRunning: true));
        var rejection = PartnershipDecider.Decide(
            PartnershipState.From(opened),
            new SignAgreement(
                new AgreementSigned("jiading-2024", new DateOnly(2024, 4, 11), new DateOnly(2024, 5, 1), [new PersonInRole("He Jiaxun", "Dean", "CTO School")]),
                OccurredAt.OnDate(new DateOnly(2024, 4, 11))),
            RecordedAt) as Rejection ?? throw new InvalidDataException("Signing an agreement never drafted no longer breaks a rule.");
        RuleBroken = Problem(Problems.RuleBroken(new RuleBroken(rejection, EntryIndex: null)));
        VersionMoved = Problem(Problems.VersionMoved(new VersionMoved(Expected: opened.Count - 1, Actual: opened.Count)));
        PartnershipNotFound = Problem(Problems.PartnershipNotFound(SamplePartnershipId(streams.Count)));
        ProjectionNotFound = Problem(Problems.NotFound(new UnknownProjectionException("summaries").Message));
        var invalid = CommandReader.ReadEntry(JsonSerializer.SerializeToElement(new JsonObject
        {
            ["type"] = "visit-held",
            ["occurredAt"] = "2024-04-01T09:30:00",
            ["data"] = new JsonObject { ["direction"] = "sideways", ["topics"] = new JsonArray() },
        }));
        Invalid = new JsonObject
        {
            ["type"] = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
            ["title"] = "One or more validation errors occurred.",
            ["status"] = StatusCodes.Status400BadRequest,
            ["errors"] = Node(invalid.Errors.ToDictionary(), ApiExamplesJsonContext.Default.DictionaryStringStringArray),
        };
    }

    public JsonNode OpeningRequest { get; }

    public JsonNode EntryRequest { get; }

    public JsonNode Summary { get; }

    /// <summary>The first sample partnership as its opening leaves it.</summary>
    public JsonNode OpenedSummary { get; }

    public JsonNode SummaryList { get; }

    public JsonNode Pipeline { get; }

    public JsonNode Organizations { get; }

    public JsonNode Appended { get; }

    /// <summary>The first sample partnership's timeline.</summary>
    public JsonNode PartnershipTimeline { get; }

    public string PartnershipTimelineCsv { get; }

    public JsonNode PartnershipTimelineCloudEvents { get; }

    /// <summary>The feed's first page of <see cref="FeedPageSize"/> entries.</summary>
    public JsonNode FeedPage { get; }

    public string FeedPageCsv { get; }

    public JsonNode FeedPageCloudEvents { get; }

    public JsonNode PartnershipVerified { get; }

    public JsonNode LedgerVerified { get; }

    /// <summary>Both read models caught up with the sample.</summary>
    public JsonNode Projections { get; }

    /// <summary>A rebuild of the organizations directory as its request answers: started, nothing applied yet.</summary>
    public JsonNode RebuildStarted { get; }

    /// <summary>A new key as its creation answers, the only time the key itself is shown.</summary>
    public JsonNode CreatedKey { get; }

    public JsonNode Keys { get; }

    public JsonNode SignedIn { get; }

    public JsonNode Live { get; }

    public JsonNode Ready { get; }

    public JsonNode RuleBroken { get; }

    /// <summary>An append with If-Match one version behind the first sample partnership.</summary>
    public JsonNode VersionMoved { get; }

    /// <summary>A partnership id the sample does not have.</summary>
    public JsonNode PartnershipNotFound { get; }

    public JsonNode ProjectionNotFound { get; }

    public JsonNode Invalid { get; }

    /// <param name="wire">The options the endpoints serialize their answers with.</param>
    public static SampleExamples Load(JsonSerializerOptions wire)
    {
        using var sample = JsonDocument.Parse(File.ReadAllBytes(SampleData.FilePath));
        return new SampleExamples(sample.RootElement, wire);
    }

    /// <summary>Each sample partnership decided and recorded in memory, with ids that stay the same from run to run.</summary>
    private static List<PartnershipStream> Replay(JsonElement sample)
    {
        var streams = new List<PartnershipStream>();
        var sequence = 0L;
        foreach (var partnership in sample.GetProperty("partnerships").EnumerateArray())
        {
            var partnershipId = SamplePartnershipId(streams.Count);
            var commands = new List<Command> { CommandReader.ReadOpening(partnership.GetProperty("open")).Value! };
            commands.AddRange(partnership.GetProperty("events").EnumerateArray().Select(entry => CommandReader.ReadEntry(entry).Value!));
            var state = PartnershipState.Empty;
            foreach (var command in commands)
            {
                if (PartnershipDecider.Decide(state, command, RecordedAt) is not Accepted accepted)
                {
                    throw new InvalidDataException("The sample data no longer passes the domain's rules.");
                }

                foreach (var decided in accepted.Events)
                {
                    sequence++;
                    var eventId = Guid.Parse($"0191c0de-0001-7000-8000-{sequence:D12}", CultureInfo.InvariantCulture);
                    state = state.Including(new RecordedEntry(
                        eventId, sequence, state.Version + 1, decided.OccurredAt, RecordedAt, SampleData.RecordedBy, decided.Source, decided.Data));
                }
            }

            streams.Add(new PartnershipStream(partnershipId, state.History.Entries));
        }

        return streams;
    }

    private static Guid SamplePartnershipId(int index) => Guid.Parse($"0191c0de-0000-7000-8000-{index:D12}", CultureInfo.InvariantCulture);

    /// <summary>A partnership's entries as the timeline endpoints answer them, through the same reading of its history.</summary>
    private static List<TimelineItem> TimelineOf(PartnershipStream stream)
    {
        var described = TimelineReader.Describe(stream.Entries);
        var items = new List<TimelineItem>(stream.Entries.Count);
        byte[] prevHash = [];
        foreach (var entry in stream.Entries)
        {
            var hash = IllustrativeHash(entry.Sequence);
            var dataJson = JsonSerializer.Serialize(entry.Event, PartnershipEventCatalog.For(entry.Event).TypeInfo);
            items.Add(TimelineItem.Create(stream.PartnershipId, entry, described[entry.EventId].Described, dataJson, hash, prevHash));
            prevHash = hash;
        }

        return items;
    }

    private static ProjectionStatusView StatusOf(IProjection projection, long head, RebuildProgress? rebuild) =>
        ProjectionStatusView.From(new ProjectionStatus(
            projection.Name,
            projection.Mode,
            rebuild is null ? ProjectionState.Running : ProjectionState.Rebuilding,
            Position: head,
            HeadSequence: head,
            LagEvents: 0,
            LagSeconds: 0,
            LastError: null,
            rebuild));

    private static byte[] IllustrativeHash(long sequence) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"example-hash/{sequence}")));

    private JsonNode Problem(Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult answer) => Wire(answer.ProblemDetails);

    private JsonNode Wire<T>(T value) => Node(value, (System.Text.Json.Serialization.Metadata.JsonTypeInfo<T>)wire.GetTypeInfo(typeof(T)));

    private static JsonNode Node<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        JsonSerializer.SerializeToNode(value, typeInfo)!;
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string[]>))]
internal sealed partial class ApiExamplesJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
