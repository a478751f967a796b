using CooperationLedger.Api;
using CooperationLedger.Api.Health;
using CooperationLedger.Api.Hosting;
using CooperationLedger.Api.Http;
using CooperationLedger.Api.Keys;
using CooperationLedger.Api.OpenApi;
using CooperationLedger.Api.Organizations;
using CooperationLedger.Api.Partnerships;
using CooperationLedger.Api.Pipelines;
using CooperationLedger.Api.Projections;
using CooperationLedger.Api.Security;
using CooperationLedger.Api.Timelines;
using CooperationLedger.Api.Verification;

var builder = WebApplication.CreateBuilder(args);
builder.AddLedgerStorage();
builder.AddLedgerHttp();
builder.AddLedgerSecurity();
builder.AddLedgerOpenApi();

var app = builder.Build();
app.UseLedgerHttp();
app.UseLedgerSecurity();
app.MapHealthApi();
app.MapPartnershipsApi();
app.MapTimelineApi();
app.MapVerificationApi();
app.MapOrganizationsApi();
app.MapPipelineApi();
app.MapProjectionsApi();
app.MapKeysApi();
app.MapDashboard();
app.MapLedgerOpenApi();
await app.RunAsync();

/// <summary>The entry point, visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
