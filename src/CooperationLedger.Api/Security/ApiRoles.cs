namespace CooperationLedger.Api.Security;

/// <summary>
/// The roles a key can hold. <c>auditor</c> and <c>writer</c> each include <c>reader</c>; <c>admin</c> includes all.
/// Each role is also the name of the authorization policy that requires it.
/// </summary>
public static class ApiRoles
{
    /// <summary>Summaries, lists, organizations, pipeline, projection status.</summary>
    public const string Reader = "reader";

    /// <summary>Reader, and timelines, verification, exports, <c>asOf</c> / <c>validAt</c>.</summary>
    public const string Auditor = "auditor";

    /// <summary>Reader, and appending.</summary>
    public const string Writer = "writer";

    /// <summary>Everything, and keys and projection rebuilds.</summary>
    public const string Admin = "admin";

    public static IReadOnlyList<string> All { get; } = [Reader, Auditor, Writer, Admin];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);

    /// <summary>The roles a key effectively holds, the included ones added.</summary>
    public static IReadOnlySet<string> Expand(IEnumerable<string> granted)
    {
        var roles = new HashSet<string>(StringComparer.Ordinal);
        foreach (var role in granted)
        {
            roles.UnionWith(role switch
            {
                Admin => All,
                Auditor or Writer => [role, Reader],
                Reader => [Reader],
                _ => [],
            });
        }

        return roles;
    }
}
