using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Commands;

public sealed class RenewAgreementTests
{
    private static Scenario Signed(string expiresOn = "2025-04-30") =>
        Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20"), Sign("JD-2024-01", "2024-05-01", "2024-05-01", expiresOn));

    [Fact]
    public void A_renewal_moves_the_expiry_date()
    {
        var given = Signed();

        given.When(Renew("JD-2024-01", "2024-05-20", "2026-04-30")).ThenAccepted<AgreementRenewed>();

        Assert.Equal(Day("2026-04-30"), given.State.Agreement("JD-2024-01")!.ExpiresOn);
    }

    [Fact]
    public void Renewing_an_expired_agreement_brings_the_partnership_back_from_lapsed()
    {
        var given = Signed(expiresOn: "2024-05-20");
        Assert.Equal(PartnershipStage.Lapsed, given.State.StageOn(Scenario.Today));

        given.When(Renew("JD-2024-01", "2024-05-25", "2025-05-20")).ThenAccepted<AgreementRenewed>();

        Assert.Equal(PartnershipStage.Active, given.State.StageOn(Scenario.Today));
    }

    [Fact]
    public void An_agreement_never_drafted_cannot_be_renewed()
    {
        Scenario.Given(Open()).When(Renew("JD-2024-01", "2024-05-20", "2026-04-30"))
            .ThenRejected("agreement-not-drafted", "renewed", "never drafted");
    }

    [Fact]
    public void An_unsigned_agreement_cannot_be_renewed()
    {
        Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20"))
            .When(Renew("JD-2024-01", "2024-05-20", "2026-04-30"))
            .ThenRejected("agreement-not-signed", "renewed", "not been signed");
    }

    [Fact]
    public void A_terminated_agreement_cannot_be_renewed()
    {
        Signed().And(Terminate("JD-2024-01", "2024-05-10", "Budget withdrawn"))
            .When(Renew("JD-2024-01", "2024-05-20", "2026-04-30"))
            .ThenRejected("agreement-already-terminated", "2024-05-10", "Budget withdrawn");
    }

    [Fact]
    public void A_renewal_must_run_longer_than_the_current_term()
    {
        Signed(expiresOn: "2025-04-30")
            .When(Renew("JD-2024-01", "2024-05-20", "2025-01-31"))
            .ThenRejected("agreement-renewal-not-later", "2025-01-31", "2025-04-30");
    }

    [Fact]
    public void An_open_ended_agreement_has_nothing_to_renew()
    {
        Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20"), Sign("JD-2024-01", "2024-05-01", "2024-05-01", null))
            .When(Renew("JD-2024-01", "2024-05-20", "2026-04-30"))
            .ThenRejected("agreement-renewal-not-later", "no expiry date");
    }

    [Fact]
    public void A_renewal_must_still_expire_after_the_effective_date()
    {
        Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20"), Sign("JD-2024-01", "2024-04-25", "2024-09-01", "2025-09-01"))
            .When(Renew("JD-2024-01", "2024-05-20", "2024-08-01"))
            .ThenRejected("agreement-expiry-not-after-effective", "2024-08-01", "2024-09-01");
    }
}
