namespace CooperationLedger.Domain;

/// <summary>
/// The partnership pipeline on <see cref="AsOf"/>: how many partnerships are at each stage (overall and per partner
/// kind), which have gone quiet, and which agreements are about to expire. Build it from summaries made for the
/// same day.
/// </summary>
public sealed record Pipeline(
    DateOnly AsOf,
    IReadOnlyList<StageCount> ByStage,
    IReadOnlyList<StageKindCount> ByStageAndPartnerKind,
    IReadOnlyList<StalePartnership> Stale,
    IReadOnlyList<ExpiringAgreement> Expiring)
{
    /// <param name="staleAfterDays">A partnership not closed whose last activity is at least this many days ago is stale.</param>
    /// <param name="expiringWithinDays">Agreements in force that expire between today and this many days ahead are listed.</param>
    public static Pipeline Create(IEnumerable<PartnershipSummary> summaries, DateOnly today, int staleAfterDays, int expiringWithinDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(staleAfterDays);
        ArgumentOutOfRangeException.ThrowIfNegative(expiringWithinDays);
        var all = summaries.ToList();

        var byStage = all
            .GroupBy(summary => summary.Stage)
            .OrderBy(group => group.Key)
            .Select(group => new StageCount(group.Key, group.Count()))
            .ToList();

        // A partnership with partners of several kinds (school, government and enterprise) counts once under each kind.
        var byStageAndKind = all
            .SelectMany(summary => summary.Partners.Select(partner => partner.Kind).Distinct().Select(kind => (summary.Stage, kind)))
            .GroupBy(pair => pair)
            .OrderBy(group => group.Key.Stage).ThenBy(group => group.Key.kind)
            .Select(group => new StageKindCount(group.Key.Stage, group.Key.kind, group.Count()))
            .ToList();

        var stale = all
            .Where(summary => summary.Stage != PartnershipStage.Closed && summary.LastActivityOn is not null)
            .Select(summary => new StalePartnership(
                summary.Id, summary.Title, summary.Stage, summary.LastActivityOn!.Value,
                Math.Max(0, today.DayNumber - summary.LastActivityOn.Value.DayNumber)))
            .Where(partnership => partnership.DaysSinceLastActivity >= staleAfterDays)
            .OrderByDescending(partnership => partnership.DaysSinceLastActivity)
            .ToList();

        var horizon = today.AddDays(expiringWithinDays);
        var expiring = all
            .SelectMany(summary => summary.Agreements
                .Where(agreement => agreement.Status is AgreementStatus.Active or AgreementStatus.Signed
                    && agreement.ExpiresOn >= today && agreement.ExpiresOn <= horizon)
                .Select(agreement => new ExpiringAgreement(
                    summary.Id, summary.Title, agreement.AgreementId, agreement.Title, agreement.ExpiresOn!.Value,
                    agreement.ExpiresOn.Value.DayNumber - today.DayNumber)))
            .OrderBy(agreement => agreement.ExpiresOn)
            .ToList();

        return new Pipeline(today, byStage, byStageAndKind, stale, expiring);
    }
}

public sealed record StageCount(PartnershipStage Stage, int Count);

public sealed record StageKindCount(PartnershipStage Stage, PartnerKind PartnerKind, int Count);

public sealed record StalePartnership(
    Guid PartnershipId, string Title, PartnershipStage Stage, DateOnly LastActivityOn, int DaysSinceLastActivity);

public sealed record ExpiringAgreement(
    Guid PartnershipId, string PartnershipTitle, string AgreementId, string? Title, DateOnly ExpiresOn, int DaysLeft);
