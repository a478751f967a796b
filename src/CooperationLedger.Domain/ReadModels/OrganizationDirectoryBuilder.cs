namespace CooperationLedger.Domain;

/// <summary>The fold behind <see cref="OrganizationDirectory"/>: names are grouped with a union-find over their keys.</summary>
internal sealed class OrganizationDirectoryBuilder
{
    private readonly Dictionary<string, string> parentOfKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> spellingOfKey = new(StringComparer.Ordinal);
    private readonly List<string> keysInOrderSeen = [];
    private readonly Dictionary<string, PartnerKind> declaredKindOfKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<Guid>> partnershipsOfKey = new(StringComparer.Ordinal);
    private readonly List<Appearance> appearances = [];
    private readonly HomeInstitution home;
    private readonly string homeKey;

    private OrganizationDirectoryBuilder(HomeInstitution home)
    {
        this.home = home;
        homeKey = See(home.Name);
        foreach (var alias in home.Aliases)
        {
            Union(homeKey, See(alias));
        }
    }

    public static OrganizationDirectory Build(HomeInstitution home, IEnumerable<PartnershipStream> partnerships)
    {
        ArgumentNullException.ThrowIfNull(home);
        var builder = new OrganizationDirectoryBuilder(home);
        var states = partnerships.Select(stream => (stream.PartnershipId, State: PartnershipState.From(stream.Entries))).ToList();

        // Declared names first, so that a name met in a visit finds the organization declared anywhere in the ledger.
        foreach (var (partnershipId, state) in states)
        {
            builder.DeclarePartners(partnershipId, state);
        }

        foreach (var (partnershipId, state) in states)
        {
            builder.MeetPeople(partnershipId, state);
        }

        return new OrganizationDirectory(builder.Organizations());
    }

    private void DeclarePartners(Guid partnershipId, PartnershipState state)
    {
        InPartnership(homeKey, partnershipId);
        foreach (var partner in state.Partners)
        {
            var key = See(partner.Name);
            declaredKindOfKey.TryAdd(key, partner.Kind);
            InPartnership(key, partnershipId);
            foreach (var alias in partner.Aliases ?? [])
            {
                Union(key, See(alias));
            }
        }
    }

    private void MeetPeople(Guid partnershipId, PartnershipState state)
    {
        var onlyPartnerKey = state.Partners.Count == 1 ? Names.OrganizationKey(state.Partners[0].Name) : null;
        foreach (var entry in state.History.Effective)
        {
            foreach (var (person, side, occasion, on) in PeopleIn(entry))
            {
                var known = parentOfKey.ContainsKey(Names.OrganizationKey(person.Organization));
                var key = See(person.Organization);
                var anchor = side == ParticipantSide.Home ? homeKey : onlyPartnerKey;
                if (!known && anchor is not null)
                {
                    Union(anchor, key);
                }

                InPartnership(key, partnershipId);
                appearances.Add(new Appearance(key, person.Name, person.Title, occasion, on, partnershipId, entry.EventId));
            }
        }
    }

    private static IEnumerable<(PersonInRole Person, ParticipantSide? Side, string Occasion, DateOnly On)> PeopleIn(RecordedEntry entry) =>
        entry.Event switch
        {
            VisitHeld visit => visit.Participants
                .Select(participant => (new PersonInRole(participant.Name, participant.Title, participant.Organization), (ParticipantSide?)participant.Side))
                .Prepend((visit.DelegationLead, visit.Direction == VisitDirection.Inbound ? ParticipantSide.Partner : ParticipantSide.Home))
                .Select(pair => (pair.Item1, pair.Item2, "visit", entry.OccurredAt.Day)),
            AgreementSigned signed => signed.Signatories.Select(person => (person, (ParticipantSide?)null, "signing", signed.SignedOn)),
            _ => [],
        };

    private List<OrganizationEntry> Organizations()
    {
        var keysByRoot = keysInOrderSeen.GroupBy(Root).ToList();
        return [.. keysByRoot
            .Select(group => Organization(group.Key, [.. group]))
            .OrderByDescending(organization => organization.IsHome)
            .ThenBy(organization => organization.Name, StringComparer.OrdinalIgnoreCase)];
    }

    private OrganizationEntry Organization(string root, IReadOnlyList<string> keys)
    {
        var isHome = Root(homeKey) == root;
        var declaredKey = keys.FirstOrDefault(declaredKindOfKey.ContainsKey);
        var nameKey = isHome ? homeKey : declaredKey ?? keys[0];
        var people = appearances
            .Where(appearance => Root(appearance.OrganizationKey) == root)
            .GroupBy(appearance => Names.PersonKey(appearance.PersonName))
            .Select(Person)
            .OrderBy(person => person.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
        return new OrganizationEntry(
            isHome ? home.Name : spellingOfKey[nameKey],
            isHome || declaredKey is null ? null : declaredKindOfKey[declaredKey],
            isHome,
            [.. keys.Where(key => key != nameKey).Select(key => spellingOfKey[key])],
            [.. keys.SelectMany(key => partnershipsOfKey.GetValueOrDefault(key) ?? []).Distinct()],
            people);
    }

    private static PersonEntry Person(IEnumerable<Appearance> appearancesOfPerson)
    {
        var latestFirst = appearancesOfPerson.OrderByDescending(appearance => appearance.On).ToList();
        var titles = latestFirst
            .GroupBy(appearance => Names.PersonKey(appearance.Title))
            .Select(sameTitle => sameTitle.First())
            .Select(appearance => new TitleHeld(appearance.Title.Trim(), appearance.Occasion, appearance.On, appearance.PartnershipId, appearance.EventId))
            .ToList();
        return new PersonEntry(Names.WithoutHonorific(latestFirst[^1].PersonName), titles);
    }

    private string See(string name)
    {
        var key = Names.OrganizationKey(name);
        if (parentOfKey.TryAdd(key, key))
        {
            spellingOfKey[key] = name.Trim();
            keysInOrderSeen.Add(key);
        }

        return key;
    }

    private void InPartnership(string key, Guid partnershipId)
    {
        if (!partnershipsOfKey.TryGetValue(key, out var partnershipIds))
        {
            partnershipsOfKey[key] = partnershipIds = [];
        }

        partnershipIds.Add(partnershipId);
    }

    private string Root(string key)
    {
        while (parentOfKey[key] != key)
        {
            key = parentOfKey[key] = parentOfKey[parentOfKey[key]];
        }

        return key;
    }

    private void Union(string left, string right)
    {
        var (leftRoot, rightRoot) = (Root(left), Root(right));
        if (leftRoot != rightRoot)
        {
            parentOfKey[rightRoot] = leftRoot;
        }
    }

    private sealed record Appearance(
        string OrganizationKey, string PersonName, string Title, string Occasion, DateOnly On, Guid PartnershipId, Guid EventId);
}
