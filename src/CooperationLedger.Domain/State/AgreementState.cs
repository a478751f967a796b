namespace CooperationLedger.Domain;

/// <summary>
/// What the ledger knows of one agreement. Every fact is optional because a late-recorded or corrected entry may
/// be folded before the entry that logically precedes it.
/// </summary>
public sealed record AgreementState(string AgreementId)
{
    public string? Title { get; init; }

    public AgreementKind? Kind { get; init; }

    public IReadOnlyList<CooperationArea> Areas { get; init; } = [];

    public OccurredAt? DraftedAt { get; init; }

    public OccurredAt? SignedAt { get; init; }

    public DateOnly? SignedOn { get; init; }

    public DateOnly? EffectiveFrom { get; init; }

    /// <summary>The last day in effect, after any renewals; null when open-ended.</summary>
    public DateOnly? ExpiresOn { get; init; }

    public IReadOnlyList<PersonInRole> Signatories { get; init; } = [];

    public OccurredAt? TerminatedAt { get; init; }

    public string? TerminationReason { get; init; }

    public bool IsDrafted => DraftedAt is not null;

    public bool IsSigned => SignedAt is not null;

    public bool IsTerminated => TerminatedAt is not null;

    /// <summary>The status on <paramref name="today"/>: in effect from the effective date through the expiry date.</summary>
    public AgreementStatus StatusOn(DateOnly today) =>
        IsTerminated ? AgreementStatus.Terminated
        : !IsSigned ? AgreementStatus.Drafted
        : today < EffectiveFrom ? AgreementStatus.Signed
        : today > ExpiresOn ? AgreementStatus.Expired
        : AgreementStatus.Active;
}
