namespace CooperationLedger.Browser.Tests.Infrastructure;

public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string SampleData => Path.Combine(Root, "samples", "cto-school.json");

    public static string Screenshots => Path.Combine(Root, "TestResults", "screenshots");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CooperationLedger.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No CooperationLedger.sln above {AppContext.BaseDirectory}.");
    }
}
