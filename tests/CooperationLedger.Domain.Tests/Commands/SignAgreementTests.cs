using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Commands;

public sealed class SignAgreementTests
{
    [Fact]
    public void A_drafted_agreement_is_signed_and_takes_effect()
    {
        var given = Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20"));

        var signed = given.When(Sign("JD-2024-01", "2024-05-01", effectiveFrom: "2024-05-01", expiresOn: "2027-04-30"))
            .ThenAccepted<AgreementSigned>();

        Assert.Equal(2, signed.Signatories.Count);
        var agreement = given.State.Agreement("JD-2024-01")!;
        Assert.Equal(Day("2027-04-30"), agreement.ExpiresOn);
        Assert.Equal(AgreementStatus.Active, agreement.StatusOn(Scenario.Today));
        Assert.Equal(PartnershipStage.Active, given.State.StageOn(Scenario.Today));
        Assert.Equal([CooperationArea.CustomTraining], given.State.AgreedAreas);
    }

    [Fact]
    public void An_agreement_signed_ahead_of_its_effective_date_is_signed_but_not_yet_active()
    {
        var given = Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20"));

        given.When(Sign("JD-2024-01", "2024-05-01", effectiveFrom: "2024-09-01", expiresOn: null)).ThenAccepted<AgreementSigned>();

        Assert.Equal(AgreementStatus.Signed, given.State.Agreement("JD-2024-01")!.StatusOn(Scenario.Today));
        Assert.Equal(PartnershipStage.Negotiating, given.State.StageOn(Scenario.Today));
    }

    [Fact]
    public void An_agreement_never_drafted_cannot_be_signed()
    {
        Scenario.Given(Open())
            .When(Sign("JD-2024-01", "2024-05-01", "2024-05-01", null))
            .ThenRejected("agreement-not-drafted", "'JD-2024-01'", "never drafted");
    }

    [Fact]
    public void An_agreement_cannot_be_signed_before_the_day_it_was_drafted()
    {
        Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20"))
            .When(Sign("JD-2024-01", "2024-04-10", "2024-04-10", null))
            .ThenRejected("agreement-not-drafted", "only drafted on 2024-04-20");
    }

    [Fact]
    public void An_agreement_is_signed_once()
    {
        Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20"), Sign("JD-2024-01", "2024-05-01", "2024-05-01", null))
            .When(Sign("JD-2024-01", "2024-05-02", "2024-05-02", null))
            .ThenRejected("agreement-already-signed", "2024-05-01");
    }

    [Theory]
    [InlineData("2024-05-01")]
    [InlineData("2024-04-30")]
    public void An_agreement_must_expire_after_it_takes_effect(string expiresOn)
    {
        Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20"))
            .When(Sign("JD-2024-01", "2024-05-01", effectiveFrom: "2024-05-01", expiresOn: expiresOn))
            .ThenRejected("agreement-expiry-not-after-effective", expiresOn, "2024-05-01");
    }

    [Fact]
    public void No_agreement_is_signed_while_suspended()
    {
        Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20"), Suspend("2024-04-25"))
            .When(Sign("JD-2024-01", "2024-05-01", "2024-05-01", null))
            .ThenRejected("partnership-suspended");
    }

    [Fact]
    public void A_signing_needs_a_signatory()
    {
        var unsigned = new SignAgreement(
            new AgreementSigned("JD-2024-01", Day("2024-05-01"), Day("2024-05-01"), []), On("2024-05-01"));

        Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20")).When(unsigned).ThenRejected("invalid-data", "signatories");
    }
}
