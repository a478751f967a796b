using System.Net.Http.Headers;
using CooperationLedger.Integration.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CooperationLedger.Integration.Tests.Api;

/// <summary>
/// The API hosted in memory by <see cref="WebApplicationFactory{TEntryPoint}"/> on a database of its own on the test
/// run's PostgreSQL (a class fixture: one database per test class), with one configured key per role. Subclasses
/// change settings for the tests that need other limits.
/// </summary>
public class LedgerApi(PostgresServer server) : IAsyncLifetime
{
    private WebApplicationFactory<Program>? factory;

    public string ConnectionString { get; private set; } = "";

    public WebApplicationFactory<Program> Factory => factory ?? throw new InvalidOperationException("The fixture has not started.");

    public IServiceProvider Services => Factory.Services;

    /// <summary>Configuration on top of the defaults below; a null value removes a default.</summary>
    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    public virtual async ValueTask InitializeAsync()
    {
        ConnectionString = await server.CreateDatabaseAsync();
        factory = CreateFactory();
        _ = factory.Server;
    }

    /// <summary>A second host on the same database, as another process of the service would be.</summary>
    public WebApplicationFactory<Program> CreateFactory(IReadOnlyDictionary<string, string?>? extraSettings = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Ledger"] = ConnectionString,
            ["Ledger:SampleData"] = "false",
            ["Ledger:RateLimit:PermitLimit"] = "100000",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var keyIndex = 0;
        foreach (var key in TestKeys.All)
        {
            settings[$"Ledger:ApiKeys:{keyIndex}:Key"] = key.Key;
            settings[$"Ledger:ApiKeys:{keyIndex}:Name"] = key.Name;
            settings[$"Ledger:ApiKeys:{keyIndex}:Roles:0"] = key.Role;
            keyIndex++;
        }

        foreach (var (name, value) in Settings.Concat(extraSettings ?? new Dictionary<string, string?>()))
        {
            settings[name] = value;
        }

        return new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            foreach (var (name, value) in settings)
            {
                host.UseSetting(name, value);
            }

            host.ConfigureTestServices(ConfigureServices);
        });
    }

    public HttpClient Client(TestKey? key)
    {
        var client = Factory.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key.Key);
        }

        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return client;
    }

    public HttpClient Reader => Client(TestKeys.Reader);

    public HttpClient Auditor => Client(TestKeys.Auditor);

    public HttpClient Writer => Client(TestKeys.Writer);

    public HttpClient Admin => Client(TestKeys.Admin);

    public virtual async ValueTask DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }

        await server.DropDatabaseAsync(ConnectionString);
        GC.SuppressFinalize(this);
    }

    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }
}

public sealed record TestKey(string Key, string Name, string Role);

public static class TestKeys
{
    public static readonly TestKey Reader = new("reader-key-for-tests-0001", "reader@tests", "reader");
    public static readonly TestKey Auditor = new("auditor-key-for-tests-0002", "auditor@tests", "auditor");
    public static readonly TestKey Writer = new("writer-key-for-tests-0003", "writer@tests", "writer");
    public static readonly TestKey Admin = new("admin-key-for-tests-0004", "admin@tests", "admin");

    public static IReadOnlyList<TestKey> All { get; } = [Reader, Auditor, Writer, Admin];
}
