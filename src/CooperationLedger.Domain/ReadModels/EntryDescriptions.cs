using System.Globalization;
using System.Text.RegularExpressions;

namespace CooperationLedger.Domain;

/// <summary>The one-line human summary of each kind of entry.</summary>
internal static partial class EntryDescriptions
{
    public static string Describe(PartnershipEvent @event, IReadOnlyList<Partner> partners, PartnershipHistory history) =>
        OneLine(@event switch
        {
            PartnershipOpened opened =>
                $"Partnership \"{opened.Title}\" opened with {Listed(opened.Partners.Select(partner => $"{The(partner.Name)} ({StableNames.Of(partner.Kind)})"))}",
            VisitHeld { Direction: VisitDirection.Inbound } visit =>
                $"Visit from {The(visit.DelegationLead.Organization)} led by {InRole(visit.DelegationLead)}",
            VisitHeld visit =>
                $"Visit to {Destination(visit, partners)} led by {InRole(visit.DelegationLead)}",
            ConsensusReached consensus =>
                $"{Capitalized(StableNames.Of(consensus.Level))} consensus: {consensus.Summary}",
            IntentionDeclared intention =>
                $"Intention declared: {Listed(intention.Areas.Select(StableNames.Words))}",
            AgreementDrafted drafted =>
                $"{KindName(drafted.Kind)} '{drafted.AgreementId}' drafted: {drafted.Title}",
            AgreementSigned signed =>
                $"Agreement '{signed.AgreementId}' signed on {Day(signed.SignedOn)} by {Listed(signed.Signatories.Select(person => $"{person.Name} ({person.Title})"))}; in effect from {Day(signed.EffectiveFrom)}{(signed.ExpiresOn is { } expiry ? $" until {Day(expiry)}" : "")}",
            MilestoneRecorded milestone =>
                $"Milestone: {milestone.Title}{(milestone.AgreementId is { } agreementId ? $" (agreement '{agreementId}')" : "")}",
            AgreementRenewed renewed => $"Agreement '{renewed.AgreementId}' renewed until {Day(renewed.ExpiresOn)}",
            AgreementTerminated terminated => $"Agreement '{terminated.AgreementId}' terminated: {terminated.Reason}",
            PartnershipSuspended suspended => $"Partnership suspended: {suspended.Reason}",
            PartnershipResumed resumed => $"Partnership resumed: {resumed.Reason}",
            PartnershipClosed closed => $"Partnership closed: {closed.Reason}",
            NoteAdded note => $"Note: {note.Text}",
            SourceAttached source => $"Source attached ({StableNames.Words(source.Kind)}): {source.Title}",
            EntryCorrected correction => history.Find(correction.EventId) is { } target
                ? $"Correction of the {PartnershipEventCatalog.AliasOf(target.Event)} entry of {target.OccurredAt}: {correction.Reason}"
                : $"Correction of an unknown entry: {correction.Reason}",
            _ => PartnershipEventCatalog.AliasOf(@event),
        });

    private static string Destination(VisitHeld visit, IReadOnlyList<Partner> partners)
    {
        var host = visit.Participants.FirstOrDefault(participant => participant.Side == ParticipantSide.Partner)?.Organization;
        return visit.Location
            ?? (host is not null ? The(host)
                : partners.Count > 0 ? Listed(partners.Select(partner => The(partner.Name)))
                : "a partner");
    }

    private static string InRole(PersonInRole person) => $"{person.Name}, {person.Title}";

    /// <summary>Organization names read as "the Wujing Town Government", whether or not they were written with "The".</summary>
    private static string The(string name) =>
        name.StartsWith("the ", StringComparison.OrdinalIgnoreCase) ? $"the {name[4..]}" : $"the {name}";

    private static string KindName(AgreementKind kind) => kind switch
    {
        AgreementKind.Mou => "MoU",
        AgreementKind.Framework => "Framework agreement",
        _ => "Agreement",
    };

    private static string Listed(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count <= 1 ? string.Concat(list) : $"{string.Join(", ", list[..^1])} and {list[^1]}";
    }

    private static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string OneLine(string text) => Whitespace().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
