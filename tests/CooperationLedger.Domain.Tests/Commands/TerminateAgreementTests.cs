using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Commands;

public sealed class TerminateAgreementTests
{
    private static Scenario Signed() =>
        Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20"), Sign("JD-2024-01", "2024-05-01", "2024-05-01", "2026-04-30"));

    [Fact]
    public void A_signed_agreement_is_terminated()
    {
        var given = Signed();

        var terminated = given.When(Terminate("JD-2024-01", "2024-05-20", "Budget withdrawn")).ThenAccepted<AgreementTerminated>();

        Assert.Equal("Budget withdrawn", terminated.Reason);
        Assert.Equal(AgreementStatus.Terminated, given.State.Agreement("JD-2024-01")!.StatusOn(Scenario.Today));
    }

    [Fact]
    public void An_agreement_never_drafted_cannot_be_terminated()
    {
        Scenario.Given(Open()).When(Terminate("JD-2024-01", "2024-05-20")).ThenRejected("agreement-not-drafted", "terminated");
    }

    [Fact]
    public void An_unsigned_agreement_cannot_be_terminated()
    {
        Scenario.Given(Open(), Draft("JD-2024-01", "2024-04-20"))
            .When(Terminate("JD-2024-01", "2024-05-20"))
            .ThenRejected("agreement-not-signed", "terminated");
    }

    [Fact]
    public void An_agreement_cannot_be_terminated_before_it_was_signed()
    {
        Signed().When(Terminate("JD-2024-01", "2024-04-25")).ThenRejected("agreement-not-signed", "only signed on 2024-05-01");
    }

    [Fact]
    public void An_agreement_is_terminated_once()
    {
        Signed().And(Terminate("JD-2024-01", "2024-05-20"))
            .When(Terminate("JD-2024-01", "2024-05-25"))
            .ThenRejected("agreement-already-terminated", "2024-05-20");
    }

    [Fact]
    public void A_termination_recorded_late_cannot_precede_a_renewal_already_recorded()
    {
        Signed().And(Renew("JD-2024-01", "2024-05-25", "2027-04-30"))
            .When(Terminate("JD-2024-01", "2024-05-20"))
            .ThenRejected("contradicts-later-entry", "agreement-renewed", "2024-05-25", "terminated on 2024-05-20");
    }
}
