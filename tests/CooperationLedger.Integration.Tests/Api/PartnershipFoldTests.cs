using CooperationLedger.Api.Partnerships;
using CooperationLedger.Domain;
using CooperationLedger.EventStore;
using StoredOccurredAt = CooperationLedger.EventStore.OccurredAt;

namespace CooperationLedger.Integration.Tests.Api;

/// <summary>When a remembered fold may be moved one step, and when the partnership has to be folded from its events.</summary>
public sealed class PartnershipFoldTests
{
    private static readonly Guid PartnershipId = Guid.CreateVersion7();

    [Fact]
    public void An_entry_that_follows_the_fold_by_the_hash_chain_moves_it_one_step()
    {
        var opened = Recorded(1, new PartnershipOpened("Lab", [new Partner("Lakeside University", PartnerKind.University)]), "2024-03-01", prevHash: []);
        var fold = PartnershipFold.Continue(null, opened)!;

        var next = PartnershipFold.Continue(fold, Recorded(2, new NoteAdded("met"), "2024-03-05", prevHash: opened.Hash));

        Assert.NotNull(next);
        Assert.Equal(2, next.Version);
        Assert.Equal("Lab", next.State.Title);
    }

    [Fact]
    public void An_entry_whose_previous_hash_is_not_the_folds_last_needs_the_whole_history()
    {
        // What a fold left by a rolled-back append looks like: the same version, another event before it.
        var opened = Recorded(1, new PartnershipOpened("Lab", [new Partner("Lakeside University", PartnerKind.University)]), "2024-03-01", prevHash: []);
        var fold = PartnershipFold.Continue(null, opened)!;

        Assert.Null(PartnershipFold.Continue(fold, Recorded(2, new NoteAdded("met"), "2024-03-05", prevHash: [9, 9, 9])));
    }

    [Fact]
    public void An_entry_that_happened_before_what_was_folded_or_a_correction_needs_the_whole_history()
    {
        var opened = Recorded(1, new PartnershipOpened("Lab", [new Partner("Lakeside University", PartnerKind.University)]), "2024-03-10", prevHash: []);
        var fold = PartnershipFold.Continue(null, opened)!;

        Assert.Null(PartnershipFold.Continue(fold, Recorded(2, new NoteAdded("earlier"), "2024-03-01", prevHash: opened.Hash)));
        Assert.Null(PartnershipFold.Continue(fold, Recorded(2, new EntryCorrected(opened.EventId, "typo", default), "2024-03-11", prevHash: opened.Hash)));
        Assert.Null(PartnershipFold.Continue(null, Recorded(2, new NoteAdded("unknown before"), "2024-03-11", prevHash: opened.Hash)));
    }

    private static RecordedEvent Recorded(long version, PartnershipEvent data, string occurredOn, byte[] prevHash) => new()
    {
        Sequence = version,
        EventId = Guid.CreateVersion7(),
        StreamId = PartnershipId,
        Version = version,
        Type = PartnershipEventCatalog.AliasOf(data),
        SchemaVersion = 1,
        DataJson = "{}",
        Data = data,
        OccurredAt = StoredOccurredAt.OnDate(DateOnly.Parse(occurredOn, System.Globalization.CultureInfo.InvariantCulture)),
        RecordedAt = DateTimeOffset.UtcNow,
        RecordedBy = "tests",
        CorrelationId = null,
        CausationId = null,
        IdempotencyKey = null,
        SourceJson = null,
        Source = null,
        PrevHash = prevHash,
        Hash = [(byte)version, 1, 2, 3],
    };
}
