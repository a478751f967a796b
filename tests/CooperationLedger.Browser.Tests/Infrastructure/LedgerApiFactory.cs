using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CooperationLedger.Browser.Tests.Infrastructure;

/// <summary>The real API on the given PostgreSQL database, with the sample data and the test keys.</summary>
public sealed class LedgerApiFactory(string connectionString) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // UseSetting rather than app configuration sources: Program reads these while it builds the app.
        builder.UseSetting("ConnectionStrings:Ledger", connectionString);
        builder.UseSetting("Ledger:SampleData", "true");
        foreach (var (name, value) in TestKey.AsConfiguration())
        {
            builder.UseSetting(name, value);
        }
    }
}
