using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests.ReadModels;

public sealed class OrganizationDirectoryTests
{
    private static readonly OrganizationDirectory Sample =
        OrganizationDirectory.Create(SampleLedger.Home(), SampleLedger.Partnerships());

    [Fact]
    public void The_three_names_of_the_cto_school_are_one_organization()
    {
        var names = new[]
        {
            "ECNU-Shanghai International School of Chief Technology Officer",
            "CTO School",
            "Shanghai International Chief Technology Officer College at East China Normal University",
        };

        var school = Assert.Single(Sample.Organizations, organization => organization.IsHome);
        Assert.Equal(names, school.Aliases.Prepend(school.Name));
        Assert.All(names, name => Assert.Same(school, Sample.Find(name)));
        Assert.Equal(3, school.PartnershipIds.Count);
    }

    [Fact]
    public void The_two_names_of_the_shandong_school_are_one_organization()
    {
        var school = Sample.Find("The School of Innovation and Entrepreneurship Shandong University");

        Assert.NotNull(school);
        Assert.Equal("School of Innovation and Entrepreneurship, Shandong University", school.Name);
        Assert.Equal(["School of International Innovation and Transformation at Shandong University"], school.Aliases);
        Assert.Equal(PartnerKind.University, school.Kind);
        Assert.Equal(
            ["Han Shenghao — Dean (visit 2024-03-21)", "Qiao Yue — Vice Dean (visit 2024-03-21)", "Zhao Yun — Assistant Dean (visit 2024-03-21)"],
            school.People.Select(person => person.Describe()));
    }

    [Fact]
    public void He_jiaxun_held_two_titles_and_each_says_where_it_came_from()
    {
        var school = Sample.Find("CTO School")!;

        var he = school.Person("He Jiaxun");

        Assert.NotNull(he);
        Assert.Equal("He Jiaxun — Dean (visit 2024-04-01), Executive Dean (visit 2024-03-21)", he.Describe());
        Assert.Equal(2, he.Titles.Select(title => title.PartnershipId).Distinct().Count());
    }

    [Fact]
    public void Every_organization_appears_once_with_its_partnerships()
    {
        Assert.Equal(
            [
                "ECNU-Shanghai International School of Chief Technology Officer",
                "School of Innovation and Entrepreneurship, Shandong University",
                "Science and Technology Commission of Jiading District, Shanghai",
                "Wujing Town Government of Minhang District",
            ],
            Sample.Organizations.Select(organization => organization.Name));
        Assert.All(Sample.Organizations.Where(organization => !organization.IsHome), organization => Assert.Single(organization.PartnershipIds));
        var jiading = Sample.Find("Jiading District Science and Technology Commission")!;
        Assert.Equal("Chen Xin — Deputy Director (visit 2024-04-01)", Assert.Single(jiading.People).Describe());
    }

    [Fact]
    public void A_name_nobody_declared_belongs_to_the_side_it_appeared_on()
    {
        var wujing = new Partner("Wujing Town Government of Minhang District", PartnerKind.Government);
        var signing = new SignAgreement(
            new AgreementSigned("W-1", Day("2024-03-07"), Day("2024-03-07"),
            [
                new PersonInRole("He Jiaxun", "Dean", "CTO School"),
                new PersonInRole("Li Ming", "Director", "Wujing Town Govt."),
            ]),
            On("2024-03-07"));
        var given = Scenario.Given(
            Open("2024-03-01", "NEO Bay", wujing),
            Visit("2024-03-05", VisitDirection.Outbound, "Dean. He Jiaxun", "Dean", "CTO School", null,
                new Participant("Li Ming", "Director", "Minhang Wujing Town", ParticipantSide.Partner),
                new Participant("Peng Yuxin", "Deputy Director", "CoETT, CTO School", ParticipantSide.Home)),
            Draft("W-1", "2024-03-06"),
            signing);

        var directory = OrganizationDirectory.Create(HomeInstitution.CtoSchool, [new PartnershipStream(Guid.NewGuid(), given.Entries)]);

        Assert.Equal(2, directory.Organizations.Count);
        var town = directory.Find("Wujing Town Government of Minhang District")!;
        Assert.Equal(["Minhang Wujing Town", "Wujing Town Govt."], town.Aliases);
        Assert.Equal("Li Ming — Director (signing 2024-03-07)", Assert.Single(town.People).Describe());
        var home = directory.Find("CoETT, CTO School")!;
        Assert.True(home.IsHome);
        Assert.Equal("He Jiaxun — Dean (signing 2024-03-07)", home.Person("He Jiaxun")!.Describe());
    }

    [Fact]
    public void Honorifics_do_not_make_another_person()
    {
        var given = Scenario.Given(
            Open(),
            Visit("2024-03-05", participants: new Participant("Dean. He Jiaxun", "Dean", "CTO School", ParticipantSide.Home)),
            Visit("2024-03-21", participants: new Participant("He Jiaxun", "Executive Dean", "CTO School", ParticipantSide.Home)),
            Visit("2024-04-01", participants: new Participant("Prof. Wang Zhenghuan", "Vice President", "CTO School", ParticipantSide.Home)));

        var home = OrganizationDirectory.Create(HomeInstitution.CtoSchool, [new PartnershipStream(Guid.NewGuid(), given.Entries)])
            .Organizations.Single(organization => organization.IsHome);

        Assert.Equal(["He Jiaxun", "Wang Zhenghuan"], home.People.Select(person => person.Name));
        Assert.Equal(["Executive Dean", "Dean"], home.Person("Dean. He Jiaxun")!.Titles.Select(title => title.Title));
    }

    [Fact]
    public void In_a_partnership_of_several_partners_an_undeclared_name_stays_its_own_organization()
    {
        var enterprise = new Partner("NEO Bay Enterprise Service Co.", PartnerKind.Enterprise);
        var given = Scenario.Given(
            Open("2024-03-01", "Tripartite", Jiading, enterprise),
            Visit("2024-03-05", leadOrganization: "Innovation Service Federation of Jiading District"));

        var directory = OrganizationDirectory.Create(HomeInstitution.CtoSchool, [new PartnershipStream(Guid.NewGuid(), given.Entries)]);

        var federation = directory.Find("Innovation Service Federation of Jiading District");
        Assert.NotNull(federation);
        Assert.Null(federation.Kind);
        Assert.False(federation.IsHome);
        Assert.Equal(4, directory.Organizations.Count);
    }

    [Theory]
    [InlineData("The School of Innovation and Entrepreneurship Shandong University", "School of Innovation and Entrepreneurship, Shandong University")]
    [InlineData("CTO  school", "CTO School")]
    [InlineData("ECNU Shanghai International School of Chief Technology Officer", "ECNU-Shanghai International School of Chief Technology Officer")]
    public void Organization_names_match_ignoring_case_spacing_punctuation_and_a_leading_the(string written, string declared)
    {
        Assert.Equal(Names.OrganizationKey(declared), Names.OrganizationKey(written));
    }

    [Theory]
    [InlineData("Dean. He Jiaxun", "He Jiaxun")]
    [InlineData("Professor. Wang Zhenghuan", "Wang Zhenghuan")]
    [InlineData("Prof. Dr. Qian Xuhong", "Qian Xuhong")]
    [InlineData("Dean Martin", "Dean Martin")]
    public void Honorifics_are_stripped_but_names_are_kept(string written, string name)
    {
        Assert.Equal(name, Names.WithoutHonorific(written));
    }
}
