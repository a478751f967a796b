using System.Text.Json;
using CooperationLedger.Domain;

namespace CooperationLedger.Api.Partnerships;

/// <summary>The body of <c>POST /api/partnerships</c>: the <c>partnership-opened</c> data with when it happened and its source.</summary>
/// <param name="OccurredAt">A date (<c>2024-04-01</c>) or a date-time with offset; today when absent.</param>
public sealed record OpenPartnershipRequest(
    string Title,
    IReadOnlyList<Partner> Partners,
    string? HomeUnit = null,
    IReadOnlyList<string>? Themes = null,
    OccurredAt? OccurredAt = null,
    Source? Source = null);

/// <summary>One entry of <c>POST /api/partnerships/{id}/events</c>; the body is one of these or an array of them.</summary>
/// <param name="Type">The entry's stable type name, such as <c>visit-held</c>.</param>
/// <param name="Data">The data of that type.</param>
public sealed record EntryRequest(string Type, OccurredAt OccurredAt, JsonElement Data, Source? Source = null);

public sealed record PartnershipList(IReadOnlyList<PartnershipSummary> Items, int Total);

/// <summary>What an append wrote, or for a retry with the same Idempotency-Key, what the first request wrote.</summary>
public sealed record AppendedEntries(IReadOnlyList<AppendedEntry> Events)
{
    public static AppendedEntries From(Appended appended)
    {
        ArgumentNullException.ThrowIfNull(appended);
        return new([.. appended.Events.Select(written =>
            new AppendedEntry(written.EventId, written.Sequence, written.Version, Convert.ToHexStringLower(written.Hash)))]);
    }
}

/// <param name="Hash">The event's SHA-256 in the hash chain, as lower-case hex.</param>
public sealed record AppendedEntry(Guid EventId, long Sequence, long Version, string Hash);
