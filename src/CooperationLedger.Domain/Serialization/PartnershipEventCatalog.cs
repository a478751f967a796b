using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization.Metadata;

namespace CooperationLedger.Domain;

/// <summary>One partnership event type: its stable public name, CLR type, JSON metadata and current schema version.</summary>
public sealed record PartnershipEventType(string Alias, Type Type, JsonTypeInfo TypeInfo, int SchemaVersion);

/// <summary>
/// The single place mapping the stable kebab-case event names of the public API to their CLR types, source-generated
/// JSON metadata and schema versions. The event store registers these entries in its own alias registry.
/// </summary>
public static class PartnershipEventCatalog
{
    private const int FirstSchemaVersion = 1;

    public static IReadOnlyList<PartnershipEventType> All { get; } =
    [
        Entry("partnership-opened", DomainJsonContext.Default.PartnershipOpened),
        Entry("visit-held", DomainJsonContext.Default.VisitHeld),
        Entry("consensus-reached", DomainJsonContext.Default.ConsensusReached),
        Entry("intention-declared", DomainJsonContext.Default.IntentionDeclared),
        Entry("agreement-drafted", DomainJsonContext.Default.AgreementDrafted),
        Entry("agreement-signed", DomainJsonContext.Default.AgreementSigned),
        Entry("milestone-recorded", DomainJsonContext.Default.MilestoneRecorded),
        Entry("agreement-renewed", DomainJsonContext.Default.AgreementRenewed),
        Entry("agreement-terminated", DomainJsonContext.Default.AgreementTerminated),
        Entry("partnership-suspended", DomainJsonContext.Default.PartnershipSuspended),
        Entry("partnership-resumed", DomainJsonContext.Default.PartnershipResumed),
        Entry("partnership-closed", DomainJsonContext.Default.PartnershipClosed),
        Entry("note-added", DomainJsonContext.Default.NoteAdded),
        Entry("source-attached", DomainJsonContext.Default.SourceAttached),
        Entry("entry-corrected", DomainJsonContext.Default.EntryCorrected),
    ];

    private static readonly Dictionary<string, PartnershipEventType> ByAlias =
        All.ToDictionary(entry => entry.Alias, StringComparer.Ordinal);

    private static readonly Dictionary<Type, PartnershipEventType> ByType = All.ToDictionary(entry => entry.Type);

    public static bool TryGet(string? alias, [NotNullWhen(true)] out PartnershipEventType? eventType)
    {
        eventType = null;
        return alias is not null && ByAlias.TryGetValue(alias, out eventType);
    }

    public static PartnershipEventType For(PartnershipEvent @event) =>
        ByType.TryGetValue(@event.GetType(), out var eventType)
            ? eventType
            : throw new ArgumentException($"{@event.GetType().Name} is not a partnership event type.", nameof(@event));

    public static string AliasOf(PartnershipEvent @event) => For(@event).Alias;

    private static PartnershipEventType Entry<TEvent>(string alias, JsonTypeInfo<TEvent> typeInfo)
        where TEvent : PartnershipEvent =>
        new(alias, typeof(TEvent), typeInfo, FirstSchemaVersion);
}
