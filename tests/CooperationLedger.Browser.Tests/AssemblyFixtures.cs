using CooperationLedger.Browser.Tests.Infrastructure;

[assembly: AssemblyFixture(typeof(DashboardHost))]

// One service and one browser serve every test; on a two-core machine running the pages one at a time is both
// faster and steadier than racing them.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
