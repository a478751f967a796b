using System.Text.Json;
using CooperationLedger.Domain.Tests.Support;
using static CooperationLedger.Domain.Tests.Support.Build;

namespace CooperationLedger.Domain.Tests;

/// <summary>
/// Property test without a property-testing package: a few hundred seeded random command sequences, recording only
/// what the decider accepts, checking after every accepted entry that the read models agree with each other.
/// </summary>
public sealed class RandomHistoryTests
{
    private const int Histories = 300;
    private const int CommandsPerHistory = 40;
    private static readonly Guid PartnershipId = Guid.Parse("0190a6b2-7c4e-7d2a-9c1e-5f0e3b8a1d42");

    [Fact]
    public void Summary_agrees_with_timeline_and_stage_moves_back_only_through_suspension_closure_or_lapse()
    {
        var accepted = 0;
        var rulesSeen = new HashSet<string>();
        for (var seed = 1; seed <= Histories; seed++)
        {
            var random = new Random(seed);
            var commands = new RandomCommands(random);
            var given = Scenario.Given();
            PartnershipStage? previousStage = null;
            var incremental = PartnershipState.Empty;
            for (var step = 0; step < CommandsPerHistory; step++)
            {
                var command = step == 0 && random.Next(10) > 0 ? Open(title: $"Partnership {seed}") : commands.Next(given.Entries);
                var decision = given.When(command).Decision;
                if (decision is Rejection rejection)
                {
                    rulesSeen.Add(rejection.Rule);
                    continue;
                }

                incremental = incremental.Including(given.Record(Assert.IsType<Accepted>(decision)));
                accepted++;
                var context = $"seed {seed}, step {step}, {PartnershipEventCatalog.AliasOf(command.Payload)} {command.OccurredAt}";
                IncludingEntriesOneByOneFoldsAsTheWholeHistoryDoes(incremental, given.Entries, context);
                var summary = PartnershipSummary.Create(PartnershipId, given.Entries, Scenario.Today);
                var timeline = Timeline.Create(given.Entries);

                SummaryAgreesWithTimeline(summary, timeline, given.Entries, context);
                SummaryDoesNotDependOnTheOrderEntriesAreGiven(summary, given.Entries, random, context);
                if (previousStage is { } before && command is not CorrectEntry)
                {
                    StageMovesBackOnlyThroughSuspensionClosureOrLapse(before, summary.Stage, context);
                }

                previousStage = summary.Stage;
            }
        }

        Assert.True(accepted > Histories * 10, $"Only {accepted} commands were accepted: the generator is too wild to test much.");
        string[] rulesExpected =
        [
            "partnership-not-opened", "partnership-already-opened", "occurred-in-future", "occurred-before-1900",
            "agreement-not-drafted", "agreement-id-taken", "agreement-already-signed", "agreement-not-signed",
            "agreement-already-terminated", "agreement-expiry-not-after-effective", "agreement-renewal-not-later",
            "partnership-closed", "partnership-suspended", "partnership-already-suspended", "partnership-not-suspended",
            "correction-target-unknown", "correction-of-correction", "correction-data-invalid", "contradicts-later-entry",
            "invalid-data",
        ];
        Assert.Empty(rulesExpected.Except(rulesSeen));
    }

    private static void SummaryAgreesWithTimeline(
        PartnershipSummary summary, IReadOnlyList<TimelineEntry> timeline, IReadOnlyList<RecordedEntry> entries, string context)
    {
        Assert.True(summary.Version == timeline.Count && timeline.Count == entries.Count, $"Version and entry count differ at {context}.");
        Assert.True(summary.VisitCount == timeline.Count(entry => entry.Type == "visit-held"), $"Visit count differs at {context}.");
        Assert.True(
            summary.Agreements.Count == timeline.Count(entry => entry.Type == "agreement-drafted"),
            $"Agreement count differs from drafts at {context}.");

        var activity = timeline.Where(entry => entry.Type is not ("note-added" or "source-attached" or "entry-corrected")).ToList();
        Assert.True(summary.LastActivityOn == activity.Max(entry => entry.OccurredAt).Day, $"Last activity differs at {context}.");

        var corrections = timeline.Where(entry => entry.Corrects is not null).ToList();
        Assert.True(
            corrections.Count == timeline.Sum(entry => entry.CorrectedBy.Count),
            $"Corrections and corrected-by links differ in number at {context}.");
        Assert.All(corrections, correction =>
            Assert.Contains(correction.EventId, timeline.Single(entry => entry.EventId == correction.Corrects).CorrectedBy));

        var closed = timeline.Any(entry => entry.Type == "partnership-closed");
        Assert.True(closed == (summary.Stage == PartnershipStage.Closed), $"Closed stage and closing entry disagree at {context}.");
        if (summary.Stage is not (PartnershipStage.Suspended or PartnershipStage.Closed) && timeline.Any(entry => entry.Type == "agreement-drafted"))
        {
            Assert.Contains(summary.Stage, new[] { PartnershipStage.Negotiating, PartnershipStage.Active, PartnershipStage.Lapsed });
        }
    }

    /// <summary>Most entries take the shortcut of <see cref="PartnershipHistory.FollowsEverything"/>; late ones and corrections do not.</summary>
    private static void IncludingEntriesOneByOneFoldsAsTheWholeHistoryDoes(PartnershipState incremental, IReadOnlyList<RecordedEntry> entries, string context)
    {
        var whole = PartnershipState.From(entries);
        Assert.True(
            JsonSerializer.Serialize(PartnershipSummary.Create(PartnershipId, incremental, Scenario.Today), DomainJsonContext.Default.PartnershipSummary)
                == JsonSerializer.Serialize(PartnershipSummary.Create(PartnershipId, whole, Scenario.Today), DomainJsonContext.Default.PartnershipSummary),
            $"Including entries one by one folds differently from the whole history at {context}.");
        Assert.True(
            incremental.History.Entries.SequenceEqual(whole.History.Entries)
                && incremental.History.Effective.Select(Described).SequenceEqual(whole.History.Effective.Select(Described))
                && entries.All(entry => Described(incremental.History.FindEffective(entry.EventId)) == Described(whole.History.FindEffective(entry.EventId)))
                && incremental.StandingSince == whole.StandingSince
                && incremental.LastActivity == whole.LastActivity,
            $"Including entries one by one gives another history at {context}.");
    }

    /// <summary>Corrected data is read afresh on every fold, so entries are compared by what they say, not by reference.</summary>
    private static string Described(RecordedEntry? entry) =>
        entry is null ? "none" : $"{entry.Sequence} {entry.Version} {entry.EventId} {entry.OccurredAt} {JsonSerializer.Serialize(entry.Event, PartnershipEventCatalog.For(entry.Event).TypeInfo)}";

    private static void SummaryDoesNotDependOnTheOrderEntriesAreGiven(
        PartnershipSummary summary, IReadOnlyList<RecordedEntry> entries, Random random, string context)
    {
        var shuffled = entries.ToArray();
        random.Shuffle(shuffled);

        var fromShuffled = PartnershipSummary.Create(PartnershipId, shuffled, Scenario.Today);

        Assert.True(
            JsonSerializer.Serialize(summary, DomainJsonContext.Default.PartnershipSummary)
                == JsonSerializer.Serialize(fromShuffled, DomainJsonContext.Default.PartnershipSummary),
            $"The summary depends on the order entries are given at {context}.");
    }

    private static void StageMovesBackOnlyThroughSuspensionClosureOrLapse(PartnershipStage before, PartnershipStage after, string context)
    {
        PartnershipStage[] passages = [PartnershipStage.Suspended, PartnershipStage.Closed, PartnershipStage.Lapsed];
        if (before == PartnershipStage.Closed)
        {
            Assert.True(after == PartnershipStage.Closed, $"A closed partnership became {after} at {context}.");
        }

        Assert.True(
            after >= before || passages.Contains(before) || passages.Contains(after),
            $"The stage went back from {before} to {after} at {context}.");
    }
}
