using System.Text.Json;

namespace CooperationLedger.Domain;

/// <summary>
/// The data of a partnership ledger entry. Metadata (when it occurred, its source, who recorded it) lives in
/// <see cref="RecordedEntry"/>; each type's stable name is in <see cref="PartnershipEventCatalog"/>.
/// </summary>
public abstract record PartnershipEvent;

public sealed record PartnershipOpened(
    string Title,
    [property: AtLeastOne] IReadOnlyList<Partner> Partners,
    string? HomeUnit = null,
    IReadOnlyList<string>? Themes = null) : PartnershipEvent;

public sealed record VisitHeld(
    VisitDirection Direction,
    PersonInRole DelegationLead,
    IReadOnlyList<Participant> Participants,
    IReadOnlyList<string> Topics,
    string? Location = null,
    string? Summary = null) : PartnershipEvent;

public sealed record ConsensusReached(
    ConsensusLevel Level,
    string Summary,
    IReadOnlyList<CooperationArea>? Areas = null) : PartnershipEvent;

public sealed record IntentionDeclared(
    [property: AtLeastOne] IReadOnlyList<CooperationArea> Areas,
    string? Summary = null) : PartnershipEvent;

public sealed record AgreementDrafted(
    string AgreementId,
    string Title,
    AgreementKind Kind,
    [property: AtLeastOne] IReadOnlyList<CooperationArea> Areas) : PartnershipEvent;

public sealed record AgreementSigned(
    string AgreementId,
    DateOnly SignedOn,
    DateOnly EffectiveFrom,
    [property: AtLeastOne] IReadOnlyList<PersonInRole> Signatories,
    DateOnly? ExpiresOn = null) : PartnershipEvent;

public sealed record MilestoneRecorded(
    string Title,
    string? AgreementId = null,
    CooperationArea? Area = null) : PartnershipEvent;

public sealed record AgreementRenewed(string AgreementId, DateOnly ExpiresOn) : PartnershipEvent;

public sealed record AgreementTerminated(string AgreementId, string Reason) : PartnershipEvent;

public sealed record PartnershipSuspended(string Reason) : PartnershipEvent;

public sealed record PartnershipResumed(string Reason) : PartnershipEvent;

public sealed record PartnershipClosed(string Reason) : PartnershipEvent;

public sealed record NoteAdded(string Text) : PartnershipEvent;

public sealed record SourceAttached(
    SourceKind Kind,
    string Title,
    string? Url = null,
    DateOnly? PublishedOn = null) : PartnershipEvent;

/// <summary>
/// Replaces the data of the earlier entry <paramref name="EventId"/> with <paramref name="Data"/> (in that entry's own
/// shape); the original stays in the ledger.
/// </summary>
public sealed record EntryCorrected(Guid EventId, string Reason, JsonElement Data) : PartnershipEvent;
