namespace CooperationLedger.Browser.Tests.Infrastructure;

public enum TestRole
{
    Reader,
    Auditor,
    Writer,
    Admin,
}
