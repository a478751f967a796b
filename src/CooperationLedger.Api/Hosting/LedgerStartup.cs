using CooperationLedger.Api.Security;
using CooperationLedger.EventStore.Projections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace CooperationLedger.Api.Hosting;

/// <summary>
/// Brings the ledger up before the server takes requests (<see cref="StartingAsync"/> runs before any hosted
/// service starts): the database and its migrations, the projections' storage, the sample data into an empty store,
/// and on the embedded default with no key configured, a first admin key. Prints where the service listens, and
/// stops the embedded PostgreSQL when the service has stopped.
/// </summary>
public sealed class LedgerStartup(
    LedgerDatabase database,
    IServiceProvider services,
    IOptions<LedgerOptions> options,
    IServer server,
    ILogger<LedgerStartup> logger) : IHostedLifecycleService
{
    public const string ListeningBanner = "Cooperation Ledger is listening on ";
    public const string AdminKeyBanner = "Admin API key: ";

    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        await database.StartAsync(cancellationToken);
        // Resolved only now: these are built on the data source, which exists once the database has started.
        await services.GetRequiredService<ProjectionEngine>().EnsureStorageAsync(cancellationToken);
        if (options.Value.SampleData ?? database.IsEmbedded)
        {
            await services.GetRequiredService<SampleData>().LoadIntoEmptyStoreAsync(cancellationToken);
        }

        if (database.IsEmbedded && database.EmbeddedDataDirectory is { } dataDirectory)
        {
            await EnsureFirstAdminKeyAsync(services.GetRequiredService<ApiKeyRegistry>(), dataDirectory, cancellationToken);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken)
    {
        foreach (var address in server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
        {
            Console.WriteLine($"{ListeningBanner}{address} (API documentation: {address.TrimEnd('/')}/docs)");
        }

        return Task.CompletedTask;
    }

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken) => await database.DisposeAsync();

    /// <summary>
    /// A developer running <c>dotnet run</c> needs a key to do anything. It is printed once; the file beside the data
    /// directory (readable by its owner only) is where to find it again.
    /// </summary>
    private async Task EnsureFirstAdminKeyAsync(ApiKeyRegistry keys, string dataDirectory, CancellationToken cancellationToken)
    {
        var keyFile = LedgerDataDirectory.AdminKeyFile(dataDirectory);
        if (keys.AnyConfigured || await keys.AnyActiveRuntimeKeyAsync(cancellationToken))
        {
            if (!keys.AnyConfigured && File.Exists(keyFile))
            {
                Console.WriteLine($"The first admin API key is in {keyFile}.");
            }

            return;
        }

        var created = await keys.CreateAsync("admin", [ApiRoles.Admin], "first-start", cancellationToken);
        var readableByOwnerOnly = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            readableByOwnerOnly.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new FileStream(keyFile, readableByOwnerOnly))
        await using (var writer = new StreamWriter(file))
        {
            await writer.WriteLineAsync(created.Key);
        }

        logger.LogInformation("Created the first admin API key {KeyId}; it is saved in {KeyFile}.", created.Id, keyFile);
        Console.WriteLine($"{AdminKeyBanner}{created.Key}");
        Console.WriteLine($"  (shown once; saved in {keyFile}, readable only by you. Send it as the X-Api-Key header.)");
    }
}
