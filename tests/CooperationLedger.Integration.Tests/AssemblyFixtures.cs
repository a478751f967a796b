using CooperationLedger.Integration.Tests.Infrastructure;

[assembly: AssemblyFixture(typeof(PostgresServer))]
