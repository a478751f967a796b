using CooperationLedger.Api.Ledger;
using CooperationLedger.Api.Organizations;
using CooperationLedger.Api.Partnerships;
using CooperationLedger.Api.Timelines;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CooperationLedger.Api.Hosting;

public static class LedgerStorage
{
    /// <summary>
    /// The database (embedded or configured), the event store, the projections and the services built on them. The
    /// data source exists only once <see cref="LedgerStartup"/> has started the database, so everything built on it
    /// is resolved from then on.
    /// </summary>
    public static WebApplicationBuilder AddLedgerStorage(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<LedgerOptions>().BindConfiguration(LedgerOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LedgerOptions>, LedgerOptionsValidation>();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<LedgerOptions>>((kestrel, ledger) =>
            kestrel.Limits.MaxRequestBodySize = ledger.Value.MaxRequestBodyBytes);

        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<LedgerDatabase>();
        services.AddSingleton(provider => provider.GetRequiredService<LedgerDatabase>().DataSource);
        services.AddSingleton(_ => LedgerEventTypes.CreateRegistry());
        services.AddSingleton<LedgerEventStore>();
        services.AddSingleton<CommittedStates>();

        services.AddSingleton<IProjection, PartnershipSummariesProjection>();
        services.AddSingleton<IProjection, OrganizationsProjection>();
        services.AddSingleton(new ProjectionEngineOptions());
        services.AddSingleton(provider => new ProjectionEngine(
            provider.GetRequiredService<NpgsqlDataSource>(),
            provider.GetRequiredService<LedgerEventStore>(),
            provider.GetServices<IProjection>(),
            provider.GetRequiredService<ProjectionEngineOptions>(),
            provider.GetRequiredService<LedgerDatabase>().AppendDataSource,
            provider.GetRequiredService<LedgerDatabase>().DaemonDataSource));

        services.AddSingleton<PartnershipCommands>();
        services.AddSingleton<PartnershipSummaries>();
        services.AddSingleton<PartnershipTimeTravel>();
        services.AddSingleton<TimelineReader>();
        services.AddSingleton<SampleData>();

        services.AddHostedService<LedgerStartup>();
        services.AddSingleton<ProjectionDaemon>();
        services.AddHostedService(provider => provider.GetRequiredService<ProjectionDaemon>());
        return builder;
    }
}
