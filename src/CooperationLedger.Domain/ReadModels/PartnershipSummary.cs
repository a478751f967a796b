namespace CooperationLedger.Domain;

/// <summary>One partnership at a glance, as of <see cref="AsOf"/> (agreement status and stage depend on the day).</summary>
public sealed record PartnershipSummary(
    Guid Id,
    string Title,
    PartnershipStage Stage,
    long Version,
    IReadOnlyList<Partner> Partners,
    string? HomeUnit,
    IReadOnlyList<string> Themes,
    IReadOnlyList<CooperationArea> DeclaredAreas,
    IReadOnlyList<CooperationArea> AgreedAreas,
    IReadOnlyList<AgreementSummary> Agreements,
    int VisitCount,
    DateOnly? LastActivityOn,
    int? DaysSinceLastActivity,
    DateOnly? NextExpiry,
    DateOnly AsOf)
{
    public static PartnershipSummary Create(Guid id, IEnumerable<RecordedEntry> entries, DateOnly today) =>
        Create(id, PartnershipState.From(entries), today);

    public static PartnershipSummary Create(Guid id, PartnershipState state, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(state);
        var agreements = state.Agreements.Select(agreement => AgreementSummary.Of(agreement, today)).ToList();
        var lastActivityOn = state.LastActivity?.Day;
        return new PartnershipSummary(
            id,
            state.Title,
            state.StageOn(today),
            state.Version,
            state.Partners,
            state.HomeUnit,
            state.Themes,
            state.DeclaredAreas,
            state.AgreedAreas,
            agreements,
            state.VisitCount,
            lastActivityOn,
            lastActivityOn is { } last ? Math.Max(0, today.DayNumber - last.DayNumber) : null,
            agreements
                .Where(agreement => agreement.Status is AgreementStatus.Active or AgreementStatus.Signed && agreement.ExpiresOn >= today)
                .Min(agreement => agreement.ExpiresOn),
            today);
    }
}

public sealed record AgreementSummary(
    string AgreementId,
    string? Title,
    AgreementKind? Kind,
    AgreementStatus Status,
    DateOnly? SignedOn,
    DateOnly? EffectiveFrom,
    DateOnly? ExpiresOn)
{
    internal static AgreementSummary Of(AgreementState agreement, DateOnly today) => new(
        agreement.AgreementId,
        agreement.Title,
        agreement.Kind,
        agreement.StatusOn(today),
        agreement.SignedOn,
        agreement.EffectiveFrom,
        agreement.ExpiresOn);
}
