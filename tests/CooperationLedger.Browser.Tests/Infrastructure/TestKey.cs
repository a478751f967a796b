namespace CooperationLedger.Browser.Tests.Infrastructure;

/// <summary>The API keys the service under test is configured with, one per role; the name is what the ledger records.</summary>
public sealed record TestKey(TestRole Role, string Key, string Name)
{
    private static readonly string RunSecret = Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant();

    public static IReadOnlyList<TestKey> All { get; } =
    [
        .. Enum.GetValues<TestRole>().Select(role => new TestKey(
            role,
            $"browser-{role.ToString().ToLowerInvariant()}-{RunSecret}",
            $"{role} in the browser tests")),
    ];

    public string RoleName => Role.ToString().ToLowerInvariant();

    public static TestKey For(TestRole role) => All.Single(key => key.Role == role);

    /// <summary>The configuration that gives the service these keys: <c>Ledger:ApiKeys:{n}:Key/Name/Roles:{m}</c>.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> AsConfiguration() =>
        All.SelectMany((key, index) => new KeyValuePair<string, string?>[]
        {
            new($"Ledger:ApiKeys:{index}:Key", key.Key),
            new($"Ledger:ApiKeys:{index}:Name", key.Name),
            new($"Ledger:ApiKeys:{index}:Roles:0", key.RoleName),
        });
}
