using System.Collections.Immutable;

namespace CooperationLedger.Domain;

/// <summary>
/// A partnership as its ledger shows it, derived from the effective history (corrections applied) in occurred order,
/// ties broken by sequence. Late-recorded entries and corrections reorder history, so the whole (small) history is
/// folded again each time: <see cref="From"/> is the entry point.
/// </summary>
public sealed record PartnershipState
{
    public static PartnershipState Empty { get; } = new();

    public PartnershipHistory History { get; private init; } = PartnershipHistory.Empty;

    public bool IsOpened { get; private init; }

    public string Title { get; private init; } = "";

    public IReadOnlyList<Partner> Partners { get; private init; } = [];

    public string? HomeUnit { get; private init; }

    public IReadOnlyList<string> Themes { get; private init; } = [];

    public PartnershipStanding Standing { get; private init; }

    /// <summary>When the current standing began (the latest suspension, resumption or closing), and why.</summary>
    public OccurredAt? StandingSince { get; private init; }

    public string? StandingReason { get; private init; }

    public int VisitCount { get; private init; }

    public bool HasConsensus { get; private init; }

    public bool HasIntention { get; private init; }

    /// <summary>Areas named in consensus and intentions, in the order first named.</summary>
    public ImmutableList<CooperationArea> DeclaredAreas { get; private init; } = [];

    /// <summary>Agreements in the order they first appear.</summary>
    public ImmutableList<AgreementState> Agreements { get; private init; } = [];

    public int MilestoneCount { get; private init; }

    /// <summary>The latest entry that shows the partnership moving; notes, sources and corrections do not count.</summary>
    public OccurredAt? LastActivity { get; private init; }

    public long Version => History.Version;

    /// <summary>Areas of the agreements that were signed, in the order first agreed.</summary>
    public IReadOnlyList<CooperationArea> AgreedAreas =>
        [.. Agreements.Where(agreement => agreement.IsSigned).SelectMany(agreement => agreement.Areas).Distinct()];

    public static PartnershipState From(IEnumerable<RecordedEntry> entries) => From(PartnershipHistory.Of(entries));

    public static PartnershipState From(PartnershipHistory history) =>
        history.Effective.Aggregate(Empty, Evolve) with { History = history };

    /// <summary>This state with one more entry, such as one decided but not yet stored.</summary>
    public PartnershipState Including(RecordedEntry entry) =>
        History.FollowsEverything(entry)
            ? Evolve(this, entry) with { History = History.Including(entry) }
            : From(History.Including(entry));

    /// <summary>
    /// This state with <paramref name="entries"/> included in turn, or null when it keeps only the tail of its history
    /// and one of them does not follow everything before it (a late entry or a correction), which a tail cannot take.
    /// </summary>
    public PartnershipState? IncludingAll(IEnumerable<RecordedEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var state = this;
        foreach (var entry in entries)
        {
            if (!state.History.IsWhole && !state.History.FollowsEverything(entry))
            {
                return null;
            }

            state = state.Including(entry);
        }

        return state;
    }

    /// <summary>This state keeping only the <see cref="PartnershipHistory.Tail"/> of its history, as a partnership is remembered between appends.</summary>
    public PartnershipState WithHistoryTail() => this with { History = History.Tail() };

    public AgreementState? Agreement(string agreementId) =>
        Agreements.Find(agreement => agreement.AgreementId == agreementId);

    /// <summary>Applies one entry of the effective history; corrections are already folded into it.</summary>
    public static PartnershipState Evolve(PartnershipState state, RecordedEntry entry) => entry.Event switch
    {
        PartnershipOpened opened => state.Moved(entry) with
        {
            IsOpened = true,
            Title = opened.Title,
            Partners = opened.Partners,
            HomeUnit = opened.HomeUnit,
            Themes = opened.Themes ?? [],
        },
        VisitHeld => state.Moved(entry) with { VisitCount = state.VisitCount + 1 },
        ConsensusReached consensus => state.Moved(entry) with
        {
            HasConsensus = true,
            DeclaredAreas = state.Declaring(consensus.Areas ?? []),
        },
        IntentionDeclared intention => state.Moved(entry) with
        {
            HasIntention = true,
            DeclaredAreas = state.Declaring(intention.Areas),
        },
        AgreementDrafted drafted => state.Moved(entry).Updating(drafted.AgreementId, agreement => agreement with
        {
            Title = drafted.Title,
            Kind = drafted.Kind,
            Areas = drafted.Areas,
            DraftedAt = agreement.DraftedAt ?? entry.OccurredAt,
        }),
        AgreementSigned signed => state.Moved(entry).Updating(signed.AgreementId, agreement => agreement with
        {
            SignedAt = entry.OccurredAt,
            SignedOn = signed.SignedOn,
            EffectiveFrom = signed.EffectiveFrom,
            ExpiresOn = signed.ExpiresOn,
            Signatories = signed.Signatories,
        }),
        AgreementRenewed renewed => state.Moved(entry).Updating(renewed.AgreementId, agreement => agreement with
        {
            ExpiresOn = renewed.ExpiresOn,
        }),
        AgreementTerminated terminated => state.Moved(entry).Updating(terminated.AgreementId, agreement => agreement with
        {
            TerminatedAt = entry.OccurredAt,
            TerminationReason = terminated.Reason,
        }),
        MilestoneRecorded => state.Moved(entry) with { MilestoneCount = state.MilestoneCount + 1 },
        PartnershipSuspended suspended => state.Moved(entry).Becoming(PartnershipStanding.Suspended, entry, suspended.Reason),
        PartnershipResumed resumed => state.Moved(entry).Becoming(PartnershipStanding.Open, entry, resumed.Reason),
        PartnershipClosed closed => state.Moved(entry).Becoming(PartnershipStanding.Closed, entry, closed.Reason),
        NoteAdded or SourceAttached or EntryCorrected => state,
        _ => throw new ArgumentException($"{entry.Event.GetType().Name} is not a partnership event type.", nameof(entry)),
    };

    /// <summary>
    /// The stage on <paramref name="today"/>: suspension and closure override; otherwise an agreement in effect makes
    /// it active, an agreement that has ended with none in effect makes it lapsed, and else the furthest step reached
    /// counts.
    /// </summary>
    /// <remarks>
    /// An agreement signed but not yet in effect does not hold off <see cref="PartnershipStage.Lapsed"/> once another
    /// has ended: nothing is in effect any more, and falling back to <see cref="PartnershipStage.Negotiating"/> would
    /// move the stage back without passing through lapsed.
    /// </remarks>
    public PartnershipStage StageOn(DateOnly today)
    {
        var statuses = Agreements.Select(agreement => agreement.StatusOn(today)).ToList();
        return Standing switch
        {
            PartnershipStanding.Closed => PartnershipStage.Closed,
            PartnershipStanding.Suspended => PartnershipStage.Suspended,
            _ when statuses.Contains(AgreementStatus.Active) => PartnershipStage.Active,
            _ when statuses.Exists(status => status is AgreementStatus.Expired or AgreementStatus.Terminated) => PartnershipStage.Lapsed,
            _ when statuses.Count > 0 => PartnershipStage.Negotiating,
            _ when HasIntention => PartnershipStage.Intention,
            _ when HasConsensus => PartnershipStage.Consensus,
            _ when VisitCount > 0 => PartnershipStage.Engaged,
            _ => PartnershipStage.Exploring,
        };
    }

    private PartnershipState Moved(RecordedEntry entry) => this with { LastActivity = Latest(LastActivity, entry.OccurredAt) };

    /// <remarks>Closing is final: an entry folded after it (recorded late but occurring later) does not reopen.</remarks>
    private PartnershipState Becoming(PartnershipStanding standing, RecordedEntry entry, string reason) =>
        Standing == PartnershipStanding.Closed
            ? this
            : this with { Standing = standing, StandingSince = entry.OccurredAt, StandingReason = reason };

    private ImmutableList<CooperationArea> Declaring(IEnumerable<CooperationArea> areas) =>
        DeclaredAreas.AddRange(areas.Where(area => !DeclaredAreas.Contains(area)).Distinct());

    private PartnershipState Updating(string agreementId, Func<AgreementState, AgreementState> update)
    {
        var index = Agreements.FindIndex(agreement => agreement.AgreementId == agreementId);
        return this with
        {
            Agreements = index < 0
                ? Agreements.Add(update(new AgreementState(agreementId)))
                : Agreements.SetItem(index, update(Agreements[index])),
        };
    }

    private static OccurredAt Latest(OccurredAt? current, OccurredAt candidate) =>
        current is { } known && known > candidate ? known : candidate;
}
