namespace CooperationLedger.Domain;

/// <summary>The institution whose ledger this is, with the other names it goes by.</summary>
public sealed record HomeInstitution(string Name, IReadOnlyList<string> Aliases)
{
    /// <summary>The CTO School, under the names the seed articles use for it.</summary>
    public static HomeInstitution CtoSchool { get; } = new(
        "ECNU-Shanghai International School of Chief Technology Officer",
        ["CTO School", "Shanghai International Chief Technology Officer College at East China Normal University"]);
}
