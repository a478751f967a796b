using System.Text.Json;
using CooperationLedger.Api.Ledger;
using CooperationLedger.Domain;

namespace CooperationLedger.Api.Partnerships;

/// <summary>
/// One row of the <c>partnership-summaries</c> read model: the summary as of <see cref="ComputedOn"/> with the
/// columns lists filter on. Agreement statuses, and with them the stage, change with the calendar, so the row also
/// says until when it holds (<see cref="StageValidUntil"/>); a reader recomputes rows whose day has come.
/// </summary>
public sealed record SummaryRow(
    Guid Id,
    long Version,
    string Title,
    string Stage,
    string[] PartnerKinds,
    string SearchText,
    DateOnly? LastActivityOn,
    DateOnly? NextExpiry,
    DateOnly ComputedOn,
    DateOnly? StageValidUntil,
    string SummaryJson)
{
    /// <param name="history">Every entry of the partnership, in version order.</param>
    public static SummaryRow Compute(Guid id, IReadOnlyList<RecordedEntry> history, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(history);
        return Compute(id, PartnershipState.From(history), history[^1].Version, today);
    }

    public static SummaryRow Compute(PartnershipFold fold, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(fold);
        return Compute(fold.PartnershipId, fold.State, fold.Version, today);
    }

    private static SummaryRow Compute(Guid id, PartnershipState state, long version, DateOnly today)
    {
        var summary = PartnershipSummary.Create(id, state, today) with { Version = version };
        return new SummaryRow(
            id,
            version,
            summary.Title,
            StableNames.Of(summary.Stage),
            [.. state.Partners.Select(partner => StableNames.Of(partner.Kind)).Distinct()],
            SearchTextOf(state),
            summary.LastActivityOn,
            summary.NextExpiry,
            today,
            NextStatusChangeAfter(state, today),
            JsonSerializer.Serialize(summary, ReadModelJsonContext.Default.PartnershipSummary));
    }

    /// <summary>The stored summary brought to <paramref name="today"/>, a day before <see cref="StageValidUntil"/>.</summary>
    public static PartnershipSummary AsOf(PartnershipSummary stored, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return stored with
        {
            AsOf = today,
            DaysSinceLastActivity = stored.LastActivityOn is { } last ? Math.Max(0, today.DayNumber - last.DayNumber) : null,
        };
    }

    public static PartnershipSummary ReadSummary(string json) =>
        JsonSerializer.Deserialize(json, ReadModelJsonContext.Default.PartnershipSummary)
            ?? throw new JsonException("A stored summary is JSON null.");

    /// <summary>What <c>q</c> searches: the title, and every partner's name and aliases, in lower case.</summary>
    public static string SearchTextOf(PartnershipState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var names = state.Partners.SelectMany(partner => (partner.Aliases ?? []).Prepend(partner.Name));
        return string.Join('\n', names.Prepend(state.Title)).ToLowerInvariant();
    }

    /// <remarks>
    /// Statuses change only on an agreement's first day in effect and on the day after it expires; the other facts of
    /// a summary do not depend on the day except <see cref="PartnershipSummary.DaysSinceLastActivity"/>, which
    /// <see cref="AsOf"/> recomputes.
    /// </remarks>
    private static DateOnly? NextStatusChangeAfter(PartnershipState state, DateOnly today) =>
        state.Agreements
            .SelectMany(agreement => new[] { agreement.EffectiveFrom, agreement.ExpiresOn?.AddDays(1) })
            .Where(day => day > today)
            .Min();
}
