namespace CooperationLedger.Domain;

/// <summary>
/// A request to record one event in a partnership: the event's data, when it occurred and where the facts come from.
/// The hierarchy is closed; there is one command per event type.
/// </summary>
public abstract record Command
{
    private protected Command(OccurredAt occurredAt, Source? source)
    {
        OccurredAt = occurredAt;
        Source = source;
    }

    public OccurredAt OccurredAt { get; init; }

    public Source? Source { get; init; }

    public abstract PartnershipEvent Payload { get; }

    /// <summary>The command that records <paramref name="payload"/>.</summary>
    public static Command For(PartnershipEvent payload, OccurredAt occurredAt, Source? source = null) => payload switch
    {
        PartnershipOpened data => new OpenPartnership(data, occurredAt, source),
        VisitHeld data => new HoldVisit(data, occurredAt, source),
        ConsensusReached data => new ReachConsensus(data, occurredAt, source),
        IntentionDeclared data => new DeclareIntention(data, occurredAt, source),
        AgreementDrafted data => new DraftAgreement(data, occurredAt, source),
        AgreementSigned data => new SignAgreement(data, occurredAt, source),
        MilestoneRecorded data => new RecordMilestone(data, occurredAt, source),
        AgreementRenewed data => new RenewAgreement(data, occurredAt, source),
        AgreementTerminated data => new TerminateAgreement(data, occurredAt, source),
        PartnershipSuspended data => new SuspendPartnership(data, occurredAt, source),
        PartnershipResumed data => new ResumePartnership(data, occurredAt, source),
        PartnershipClosed data => new ClosePartnership(data, occurredAt, source),
        NoteAdded data => new AddNote(data, occurredAt, source),
        SourceAttached data => new AttachSource(data, occurredAt, source),
        EntryCorrected data => new CorrectEntry(data, occurredAt, source),
        _ => throw new ArgumentException($"{payload.GetType().Name} is not a partnership event type.", nameof(payload)),
    };
}

public abstract record Command<TEvent> : Command where TEvent : PartnershipEvent
{
    private protected Command(TEvent data, OccurredAt occurredAt, Source? source)
        : base(occurredAt, source) => Data = data;

    public TEvent Data { get; init; }

    public override PartnershipEvent Payload => Data;
}

public sealed record OpenPartnership(PartnershipOpened Data, OccurredAt OccurredAt, Source? Source = null)
    : Command<PartnershipOpened>(Data, OccurredAt, Source);

public sealed record HoldVisit(VisitHeld Data, OccurredAt OccurredAt, Source? Source = null)
    : Command<VisitHeld>(Data, OccurredAt, Source);

public sealed record ReachConsensus(ConsensusReached Data, OccurredAt OccurredAt, Source? Source = null)
    : Command<ConsensusReached>(Data, OccurredAt, Source);

public sealed record DeclareIntention(IntentionDeclared Data, OccurredAt OccurredAt, Source? Source = null)
    : Command<IntentionDeclared>(Data, OccurredAt, Source);

public sealed record DraftAgreement(AgreementDrafted Data, OccurredAt OccurredAt, Source? Source = null)
    : Command<AgreementDrafted>(Data, OccurredAt, Source);

public sealed record SignAgreement(AgreementSigned Data, OccurredAt OccurredAt, Source? Source = null)
    : Command<AgreementSigned>(Data, OccurredAt, Source);

public sealed record RecordMilestone(MilestoneRecorded Data, OccurredAt OccurredAt, Source? Source = null)
    : Command<MilestoneRecorded>(Data, OccurredAt, Source);

public sealed record RenewAgreement(AgreementRenewed Data, OccurredAt OccurredAt, Source? Source = null)
    : Command<AgreementRenewed>(Data, OccurredAt, Source);

public sealed record TerminateAgreement(AgreementTerminated Data, OccurredAt OccurredAt, Source? Source = null)
    : Command<AgreementTerminated>(Data, OccurredAt, Source);

public sealed record SuspendPartnership(PartnershipSuspended Data, OccurredAt OccurredAt, Source? Source = null)
    : Command<PartnershipSuspended>(Data, OccurredAt, Source);

public sealed record ResumePartnership(PartnershipResumed Data, OccurredAt OccurredAt, Source? Source = null)
    : Command<PartnershipResumed>(Data, OccurredAt, Source);

public sealed record ClosePartnership(PartnershipClosed Data, OccurredAt OccurredAt, Source? Source = null)
    : Command<PartnershipClosed>(Data, OccurredAt, Source);

public sealed record AddNote(NoteAdded Data, OccurredAt OccurredAt, Source? Source = null)
    : Command<NoteAdded>(Data, OccurredAt, Source);

public sealed record AttachSource(SourceAttached Data, OccurredAt OccurredAt, Source? Source = null)
    : Command<SourceAttached>(Data, OccurredAt, Source);

public sealed record CorrectEntry(EntryCorrected Data, OccurredAt OccurredAt, Source? Source = null)
    : Command<EntryCorrected>(Data, OccurredAt, Source);
