using System.Text.Json;
using CooperationLedger.Domain;

namespace CooperationLedger.Domain.Tests.Support;

/// <summary>Commands with plausible data, so that each test states only what it is about.</summary>
internal static class Build
{
    public static readonly Source Article = new(SourceKind.NewsArticle, "Sci-Tech Innovative Education", PublishedOn: new DateOnly(2024, 4, 9));

    public static OccurredAt On(string occurredAt) => OccurredAt.Parse(occurredAt);

    public static DateOnly Day(string day) => DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture);

    public static Partner Jiading { get; } = new(
        "Science and Technology Commission of Jiading District, Shanghai",
        PartnerKind.Government,
        ["Jiading District Science and Technology Commission"]);

    public static OpenPartnership Open(string on = "2024-03-01", string title = "Talent cultivation", params Partner[] partners) =>
        new(new PartnershipOpened(title, partners.Length == 0 ? [Jiading] : partners, HomeUnit: "CoETT", Themes: ["talent cultivation"]), On(on), Article);

    public static HoldVisit Visit(
        string on,
        VisitDirection direction = VisitDirection.Inbound,
        string leadName = "Chen Xin",
        string leadTitle = "Deputy Director",
        string leadOrganization = "Science and Technology Commission of Jiading District",
        string? location = null,
        params Participant[] participants) =>
        new(new VisitHeld(
            direction,
            new PersonInRole(leadName, leadTitle, leadOrganization),
            participants,
            ["talent cultivation"],
            location), On(on), Article);

    public static ReachConsensus Consensus(string on, ConsensusLevel level = ConsensusLevel.Preliminary, params CooperationArea[] areas) =>
        new(new ConsensusReached(level, "Further strategic cooperation", areas.Length == 0 ? null : areas), On(on));

    public static DeclareIntention Intention(string on, params CooperationArea[] areas) =>
        new(new IntentionDeclared(areas.Length == 0 ? [CooperationArea.CustomTraining] : areas), On(on));

    public static DraftAgreement Draft(string agreementId, string on, string title = "Training cooperation", params CooperationArea[] areas) =>
        new(new AgreementDrafted(agreementId, title, AgreementKind.Framework, areas.Length == 0 ? [CooperationArea.CustomTraining] : areas), On(on));

    public static SignAgreement Sign(string agreementId, string on, string effectiveFrom, string? expiresOn) =>
        new(new AgreementSigned(
            agreementId,
            Day(on[..10]),
            Day(effectiveFrom),
            [new PersonInRole("He Jiaxun", "Dean", "CTO School"), new PersonInRole("Chen Xin", "Deputy Director", "Jiading District Science and Technology Commission")],
            expiresOn is null ? null : Day(expiresOn)), On(on));

    public static RecordMilestone Milestone(string on, string title = "First course launched", string? agreementId = null) =>
        new(new MilestoneRecorded(title, agreementId, CooperationArea.CustomTraining), On(on));

    public static RenewAgreement Renew(string agreementId, string on, string expiresOn) =>
        new(new AgreementRenewed(agreementId, Day(expiresOn)), On(on));

    public static TerminateAgreement Terminate(string agreementId, string on, string reason = "Programme discontinued") =>
        new(new AgreementTerminated(agreementId, reason), On(on));

    public static SuspendPartnership Suspend(string on, string reason = "Leadership change at the commission") =>
        new(new PartnershipSuspended(reason), On(on));

    public static ResumePartnership Resume(string on, string reason = "New contact person appointed") =>
        new(new PartnershipResumed(reason), On(on));

    public static ClosePartnership Close(string on, string reason = "Cooperation completed") =>
        new(new PartnershipClosed(reason), On(on));

    public static AddNote Note(string on, string text = "Follow up with the commission in May.") =>
        new(new NoteAdded(text), On(on));

    public static AttachSource AttachedSource(string on, string title = "Minutes of the April meeting") =>
        new(new SourceAttached(SourceKind.Minutes, title, PublishedOn: Day(on[..10])), On(on));

    public static CorrectEntry Correct(Guid eventId, PartnershipEvent correctedData, string on = "2024-05-01", string reason = "Typo in the article") =>
        new(new EntryCorrected(eventId, reason, Json(correctedData)), On(on));

    public static CorrectEntry CorrectWithJson(Guid eventId, string correctedJson, string on = "2024-05-01") =>
        new(new EntryCorrected(eventId, "Fix", JsonElementOf(correctedJson)), On(on));

    public static JsonElement Json(PartnershipEvent @event) =>
        JsonSerializer.SerializeToElement(@event, PartnershipEventCatalog.For(@event).TypeInfo);

    public static JsonElement JsonElementOf(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
