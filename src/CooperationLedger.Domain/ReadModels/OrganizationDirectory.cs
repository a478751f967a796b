using System.Globalization;

namespace CooperationLedger.Domain;

/// <summary>A partnership's id with its ledger entries, as the directory reads them.</summary>
public sealed record PartnershipStream(Guid PartnershipId, IReadOnlyList<RecordedEntry> Entries);

/// <summary>
/// Every real organization met in the ledger, once, with every name it was seen under, the partnerships it is in and
/// the people who acted for it.
/// </summary>
/// <remarks>
/// Names are the same organization when they match case-, whitespace- and punctuation-insensitively, ignoring a
/// leading "The" (<see cref="Names.OrganizationKey"/>), or when a partnership declares them as a partner's aliases.
/// A name nobody declared is attributed by the side it appeared on: a home-side participant's organization is the
/// home institution, and a partner-side one (or a signatory's) is the partner when the partnership has just one.
/// </remarks>
public sealed record OrganizationDirectory(IReadOnlyList<OrganizationEntry> Organizations)
{
    public static OrganizationDirectory Create(HomeInstitution home, IEnumerable<PartnershipStream> partnerships) =>
        OrganizationDirectoryBuilder.Build(home, partnerships);

    /// <summary>The organization going by <paramref name="name"/> under any of its names.</summary>
    public OrganizationEntry? Find(string name)
    {
        var key = Names.OrganizationKey(name);
        return Organizations.FirstOrDefault(organization =>
            organization.Aliases.Prepend(organization.Name).Any(known => Names.OrganizationKey(known) == key));
    }
}

/// <param name="Kind">The partner kind declared for it; null for the home institution and organizations never declared.</param>
/// <param name="Aliases">Every other name it was seen under.</param>
public sealed record OrganizationEntry(
    string Name,
    PartnerKind? Kind,
    bool IsHome,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<Guid> PartnershipIds,
    IReadOnlyList<PersonEntry> People)
{
    public PersonEntry? Person(string name)
    {
        var key = Names.PersonKey(name);
        return People.FirstOrDefault(person => Names.PersonKey(person.Name) == key);
    }
}

/// <summary>A person, with each title they held, most recent first.</summary>
public sealed record PersonEntry(string Name, IReadOnlyList<TitleHeld> Titles)
{
    /// <summary>For example "He Jiaxun — Dean (visit 2024-04-01), Executive Dean (visit 2024-03-21)".</summary>
    public string Describe() => $"{Name} — {string.Join(", ", Titles.Select(title => title.Describe()))}";
}

/// <param name="Occasion">Where the title was given: <c>visit</c> or <c>signing</c>.</param>
public sealed record TitleHeld(string Title, string Occasion, DateOnly On, Guid PartnershipId, Guid EventId)
{
    public string Describe() => $"{Title} ({Occasion} {On.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})";
}
