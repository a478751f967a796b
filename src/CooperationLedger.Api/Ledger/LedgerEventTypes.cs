using CooperationLedger.Domain;
using CooperationLedger.EventStore.Serialization;

namespace CooperationLedger.Api.Ledger;

public static class LedgerEventTypes
{
    /// <summary>The store's alias registry, filled from the domain's catalog so that a stable name is written down once.</summary>
    public static EventTypeRegistry CreateRegistry()
    {
        var registry = new EventTypeRegistry();
        foreach (var eventType in PartnershipEventCatalog.All)
        {
            registry.Register(eventType.Alias, eventType.Type, eventType.TypeInfo, eventType.SchemaVersion);
        }

        return registry;
    }
}
