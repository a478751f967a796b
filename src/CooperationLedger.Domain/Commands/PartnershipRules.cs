using System.Globalization;

namespace CooperationLedger.Domain;

/// <summary>
/// The rules an entry must satisfy against the partnership as it stood when the entry occurred (<c>then</c>: every
/// entry before it in occurred order). <c>whole</c> is the partnership with every entry, used only to explain better.
/// </summary>
internal static class PartnershipRules
{
    public static Rejection? Check(PartnershipState then, PartnershipState whole, Command command) => command switch
    {
        OpenPartnership or AddNote or AttachSource or CorrectEntry => null,
        HoldVisit or ReachConsensus or DeclareIntention => NotClosed(then),
        RecordMilestone { Data.AgreementId: { } agreementId } =>
            NotClosed(then) ?? Drafted(then, whole, agreementId, "referenced by a milestone"),
        RecordMilestone => NotClosed(then),
        DraftAgreement draft => NotClosed(then) ?? NotSuspended(then) ?? IdFree(then, draft.Data.AgreementId),
        SignAgreement signing => NotClosed(then)
            ?? NotSuspended(then)
            ?? Drafted(then, whole, signing.Data.AgreementId, "signed")
            ?? NotYetSigned(then, signing.Data.AgreementId)
            ?? ExpiresAfterEffective(signing.Data.AgreementId, signing.Data.EffectiveFrom, signing.Data.ExpiresOn),
        RenewAgreement renewal => NotClosed(then)
            ?? InForce(then, whole, renewal.Data.AgreementId, "renewed")
            ?? ExpiresAfterEffective(renewal.Data.AgreementId, then.Agreement(renewal.Data.AgreementId)!.EffectiveFrom, renewal.Data.ExpiresOn)
            ?? Extends(then.Agreement(renewal.Data.AgreementId)!, renewal.Data.ExpiresOn),
        TerminateAgreement termination => NotClosed(then)
            ?? InForce(then, whole, termination.Data.AgreementId, "terminated"),
        SuspendPartnership => NotClosed(then) ?? NotAlreadySuspended(then),
        ResumePartnership => NotClosed(then) ?? Suspended(then),
        ClosePartnership => NotClosed(then),
        _ => throw new ArgumentException($"{command.GetType().Name} is not a partnership command.", nameof(command)),
    };

    /// <summary>Rules about the whole history, whenever the new entry occurred: an id is used once, an agreement signed once.</summary>
    public static Rejection? CheckAcrossHistory(PartnershipState current, Command command) => command switch
    {
        DraftAgreement draft => IdFree(current, draft.Data.AgreementId),
        SignAgreement signing => NotYetSigned(current, signing.Data.AgreementId),
        _ => null,
    };

    private static Rejection? NotClosed(PartnershipState then) =>
        then.Standing == PartnershipStanding.Closed
            ? new("partnership-closed",
                $"The partnership was closed on {Day(then.StandingSince)} (\"{then.StandingReason}\"); after that only notes, sources and corrections can be recorded.")
            : null;

    private static Rejection? NotSuspended(PartnershipState then) =>
        then.Standing == PartnershipStanding.Suspended
            ? new("partnership-suspended",
                $"The partnership has been suspended since {SuspensionOf(then)}: no agreement can be drafted or signed until it is resumed.")
            : null;

    private static Rejection? NotAlreadySuspended(PartnershipState then) =>
        then.Standing == PartnershipStanding.Suspended
            ? new("partnership-already-suspended", $"The partnership is already suspended, since {SuspensionOf(then)}.")
            : null;

    private static string SuspensionOf(PartnershipState then) => $"{Day(then.StandingSince)} (\"{then.StandingReason}\")";

    private static Rejection? Suspended(PartnershipState then) =>
        then.Standing == PartnershipStanding.Suspended
            ? null
            : new("partnership-not-suspended", "The partnership cannot be resumed: it is not suspended.");

    private static Rejection? IdFree(PartnershipState then, string agreementId) =>
        then.Agreement(agreementId) is { } existing
            ? new("agreement-id-taken",
                $"Agreement id '{agreementId}' is already used in this partnership (\"{existing.Title}\"); choose another id.")
            : null;

    private static Rejection? Drafted(PartnershipState then, PartnershipState whole, string agreementId, string action) =>
        then.Agreement(agreementId) is { IsDrafted: true }
            ? null
            : new("agreement-not-drafted", whole.Agreement(agreementId) is { DraftedAt: { } draftedAt }
                ? $"Agreement '{agreementId}' cannot be {action} at that date: it was only drafted on {Day(draftedAt)}."
                : $"Agreement '{agreementId}' cannot be {action}: it was never drafted.");

    private static Rejection? NotYetSigned(PartnershipState then, string agreementId) =>
        then.Agreement(agreementId) is { IsSigned: true } signed
            ? new("agreement-already-signed",
                $"Agreement '{agreementId}' was already signed on {Day(signed.SignedOn)}; record a renewal or a new agreement instead.")
            : null;

    private static Rejection? InForce(PartnershipState then, PartnershipState whole, string agreementId, string action) =>
        Drafted(then, whole, agreementId, action) ?? then.Agreement(agreementId) switch
        {
            { IsTerminated: true } terminated => new Rejection("agreement-already-terminated",
                $"Agreement '{agreementId}' cannot be {action}: it was terminated on {Day(terminated.TerminatedAt)} (\"{terminated.TerminationReason}\")."),
            { IsSigned: false } => new Rejection("agreement-not-signed", whole.Agreement(agreementId) is { SignedAt: { } signedAt }
                ? $"Agreement '{agreementId}' cannot be {action} at that date: it was only signed on {Day(signedAt)}."
                : $"Agreement '{agreementId}' cannot be {action}: it has not been signed."),
            _ => null,
        };

    private static Rejection? ExpiresAfterEffective(string agreementId, DateOnly? effectiveFrom, DateOnly? expiresOn) =>
        expiresOn <= effectiveFrom
            ? new("agreement-expiry-not-after-effective",
                $"Agreement '{agreementId}' cannot expire on {Day(expiresOn)}: that is not after the day it takes effect, {Day(effectiveFrom)}.")
            : null;

    private static Rejection? Extends(AgreementState agreement, DateOnly newExpiry) => agreement.ExpiresOn switch
    {
        null => new Rejection("agreement-renewal-not-later",
            $"Agreement '{agreement.AgreementId}' has no expiry date, so there is nothing to renew."),
        { } current when newExpiry <= current => new Rejection("agreement-renewal-not-later",
            $"Agreement '{agreement.AgreementId}' cannot be renewed until {Day(newExpiry)}: it already runs until {Day(current)}."),
        _ => null,
    };

    private static string Day(OccurredAt? occurredAt) => occurredAt is { } known ? Day(known.Day) : "an unknown date";

    private static string Day(DateOnly? day) =>
        day?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "an unknown date";
}
