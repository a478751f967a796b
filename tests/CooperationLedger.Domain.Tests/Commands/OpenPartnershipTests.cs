using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.Commands;

public sealed class OpenPartnershipTests
{
    [Fact]
    public void Opening_records_partnership_opened_with_its_partners()
    {
        var given = Scenario.Given();

        var opened = given.When(Open("2024-03-01", "Talent cultivation")).ThenAccepted<PartnershipOpened>();

        Assert.Equal("Talent cultivation", opened.Title);
        Assert.True(given.State.IsOpened);
        Assert.Equal(Jiading.Name, Assert.Single(given.State.Partners).Name);
        Assert.Equal(PartnershipStage.Exploring, given.State.StageOn(Scenario.Today));
    }

    [Fact]
    public void A_tripartite_partnership_keeps_every_partner_and_kind()
    {
        var enterprise = new Partner("NEO Bay Enterprise Service Co.", PartnerKind.Enterprise);
        var given = Scenario.Given();

        given.When(Open("2024-03-01", "Tripartite platform", Jiading, enterprise)).ThenAccepted<PartnershipOpened>();

        Assert.Equal([PartnerKind.Government, PartnerKind.Enterprise], given.State.Partners.Select(partner => partner.Kind));
    }

    [Fact]
    public void Opening_twice_is_rejected()
    {
        Scenario.Given(Open(title: "Talent cultivation"))
            .When(Open(title: "Another"))
            .ThenRejected("partnership-already-opened", "Talent cultivation");
    }

    [Fact]
    public void Opening_without_a_partner_is_invalid_data()
    {
        var withoutPartners = new OpenPartnership(new PartnershipOpened("Lonely", []), On("2024-03-01"));

        Scenario.Given().When(withoutPartners).ThenRejected("invalid-data", "partners", "at least one");
    }

    [Fact]
    public void Opening_with_a_blank_title_is_invalid_data()
    {
        var blank = new OpenPartnership(new PartnershipOpened("  ", [Jiading]), On("2024-03-01"));

        Scenario.Given().When(blank).ThenRejected("invalid-data", "title", "blank");
    }
}
