using CooperationLedger.Domain;

namespace CooperationLedger.Domain.Tests.Support;

/// <summary>
/// Given/When/Then over the decider: <c>Given</c> records commands (each must be accepted), <c>When</c> decides one
/// more, and the returned <see cref="Outcome"/> asserts what happened.
/// </summary>
internal sealed class Scenario
{
    public static readonly DateTimeOffset Now = new(2024, 6, 1, 12, 0, 0, TimeSpan.FromHours(8));
    public static readonly DateOnly Today = DateOnly.FromDateTime(Now.DateTime);

    private readonly List<RecordedEntry> entries = [];
    private long nextSequence = 1;

    public IReadOnlyList<RecordedEntry> Entries => entries;

    public PartnershipState State => PartnershipState.From(entries);

    public static Scenario Given(params Command[] history) => new Scenario().And(history);

    public Scenario And(params Command[] more)
    {
        foreach (var command in more)
        {
            var decision = PartnershipDecider.Decide(State, command, Now);
            var accepted = Assert.IsType<Accepted>(decision, exactMatch: true);
            Record(accepted);
        }

        return this;
    }

    public Outcome When(Command command) => new(this, PartnershipDecider.Decide(State, command, Now));

    /// <summary>The id of the entry recorded as <paramref name="version"/> (the opening is version 1).</summary>
    public Guid IdOf(int version) => entries[version - 1].EventId;

    public RecordedEntry Record(Accepted accepted)
    {
        RecordedEntry? last = null;
        foreach (var @event in accepted.Events)
        {
            var version = entries.Count + 1;
            last = new RecordedEntry(
                EventIdFor(nextSequence),
                nextSequence,
                version,
                @event.OccurredAt,
                Now.AddMinutes(version),
                "tester",
                @event.Source,
                @event.Data);
            entries.Add(last);
            nextSequence += 3;
        }

        return last ?? throw new InvalidOperationException("Nothing was accepted.");
    }

    /// <summary>Ids that read well in failures and stay the same from run to run.</summary>
    public static Guid EventIdFor(long sequence) => Guid.Parse($"00000000-0000-7000-8000-{sequence:D12}");
}

internal sealed class Outcome(Scenario scenario, Decision decision)
{
    public Decision Decision => decision;

    /// <summary>Asserts one event of type <typeparamref name="TEvent"/> was decided, records it, and returns it.</summary>
    public TEvent ThenAccepted<TEvent>() where TEvent : PartnershipEvent
    {
        var accepted = Assert.IsType<Accepted>(decision, exactMatch: true);
        var single = Assert.Single(accepted.Events);
        Assert.Equal(PartnershipEventCatalog.For(single.Data).Alias, single.Type);
        var @event = Assert.IsType<TEvent>(single.Data);
        scenario.Record(accepted);
        return @event;
    }

    /// <summary>Asserts the rejection's rule and that its reason is a sentence mentioning each of <paramref name="mentions"/>.</summary>
    public Rejection ThenRejected(string rule, params string[] mentions)
    {
        var rejection = Assert.IsType<Rejection>(decision, exactMatch: true);
        Assert.Equal(rule, rejection.Rule);
        Assert.True(rejection.Reason.Length > 20, $"The reason \"{rejection.Reason}\" is too short to explain anything.");
        Assert.EndsWith(".", rejection.Reason, StringComparison.Ordinal);
        foreach (var mention in mentions)
        {
            Assert.Contains(mention, rejection.Reason, StringComparison.Ordinal);
        }

        return rejection;
    }
}
