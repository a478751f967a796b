using System.Text.Json.Serialization;

namespace CooperationLedger.Domain;

/// <summary>
/// Source-generated JSON metadata for everything the domain puts on the wire: camelCase, enums as their stable
/// kebab-case names, nulls omitted, nullability and required constructor parameters enforced on reading.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(PartnershipOpened))]
[JsonSerializable(typeof(VisitHeld))]
[JsonSerializable(typeof(ConsensusReached))]
[JsonSerializable(typeof(IntentionDeclared))]
[JsonSerializable(typeof(AgreementDrafted))]
[JsonSerializable(typeof(AgreementSigned))]
[JsonSerializable(typeof(MilestoneRecorded))]
[JsonSerializable(typeof(AgreementRenewed))]
[JsonSerializable(typeof(AgreementTerminated))]
[JsonSerializable(typeof(PartnershipSuspended))]
[JsonSerializable(typeof(PartnershipResumed))]
[JsonSerializable(typeof(PartnershipClosed))]
[JsonSerializable(typeof(NoteAdded))]
[JsonSerializable(typeof(SourceAttached))]
[JsonSerializable(typeof(EntryCorrected))]
[JsonSerializable(typeof(Source))]
[JsonSerializable(typeof(OccurredAt))]
[JsonSerializable(typeof(HomeInstitution))]
[JsonSerializable(typeof(PartnershipSummary))]
[JsonSerializable(typeof(IReadOnlyList<PartnershipSummary>))]
[JsonSerializable(typeof(IReadOnlyList<TimelineEntry>))]
[JsonSerializable(typeof(OrganizationDirectory))]
[JsonSerializable(typeof(Pipeline))]
public sealed partial class DomainJsonContext : JsonSerializerContext;
