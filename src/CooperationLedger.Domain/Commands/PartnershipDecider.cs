using System.Globalization;

namespace CooperationLedger.Domain;

/// <summary>
/// Decides whether a command may be recorded. Entries recorded late are normal: a command is checked against the
/// partnership as it stood when the command's event occurred, and every entry that occurred after it is checked
/// again with the new one in place, so the history stays valid in occurred order however late things are recorded.
/// </summary>
public static class PartnershipDecider
{
    private static readonly DateOnly EarliestDay = new(1900, 1, 1);
    private static readonly TimeSpan FutureTolerance = TimeSpan.FromDays(1);

    public static Decision Decide(PartnershipState state, Command command, DateTimeOffset now) =>
        (Decision?)InvalidData(command) ?? DecideValid(state, command, now);

    /// <summary>
    /// Decides commands in turn, each against the state including the ones accepted before it, as for a batch posted
    /// at once; either all are accepted or the first rejection is returned with its index.
    /// </summary>
    public static BatchDecision DecideAll(PartnershipState state, IReadOnlyList<Command> commands, DateTimeOffset now) =>
        DecideAll(state, commands, now, dataValidated: false);

    /// <summary>As for any commands, without checking again the data <see cref="CommandReader"/> checked.</summary>
    public static BatchDecision DecideAll(PartnershipState state, ValidatedCommands commands, DateTimeOffset now) =>
        DecideAll(state, commands, now, dataValidated: true);

    /// <summary>
    /// Whether <paramref name="state"/> knows enough of its history to decide <paramref name="commands"/>: always with
    /// its whole history; with only its <see cref="PartnershipHistory.Tail"/> when each command in turn would follow
    /// everything before it (so none is a correction), since then the rules read the partnership as it stands and no
    /// earlier entry.
    /// </summary>
    public static bool CanDecideOn(PartnershipState state, IReadOnlyList<Command> commands)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(commands);
        var history = state.History;
        for (var index = 0; !history.IsWhole && index < commands.Count; index++)
        {
            var pending = Pending(history, commands[index], recordedAt: default);
            if (!history.FollowsEverything(pending))
            {
                return false;
            }

            history = history.Including(pending);
        }

        return true;
    }

    private static Decision DecideValid(PartnershipState state, Command command, DateTimeOffset now) =>
        (Decision?)OccurredTooEarly(command)
        ?? OccurredInFuture(command, now)
        ?? Existence(state, command)
        ?? PartnershipRules.CheckAcrossHistory(state, command)
        ?? (command is CorrectEntry correction ? DecideCorrection(state, correction) : DecideInHistory(state, command));

    private static BatchDecision DecideAll(PartnershipState state, IReadOnlyList<Command> commands, DateTimeOffset now, bool dataValidated)
    {
        ArgumentNullException.ThrowIfNull(commands);
        var accepted = new List<EventToAppend>();
        for (var index = 0; index < commands.Count; index++)
        {
            var decision = dataValidated ? DecideValid(state, commands[index], now) : Decide(state, commands[index], now);
            if (decision is not Accepted { Events: var events })
            {
                return new BatchDecision(decision, index);
            }

            accepted.AddRange(events);
            if (index < commands.Count - 1)
            {
                state = state.Including(Pending(state.History, commands[index], now));
            }
        }

        return new BatchDecision(new Accepted(accepted), RejectedIndex: null);
    }

    private static Rejection? InvalidData(Command command)
    {
        var errors = command.Source is { } source
            ? EventDataReader.Validate(command.Payload).Concat(EventDataReader.Validate(source)).ToDictionary()
            : EventDataReader.Validate(command.Payload);
        return errors.Count == 0
            ? null
            : new("invalid-data",
                $"The {PartnershipEventCatalog.AliasOf(command.Payload)} data is not valid: {Describe(errors)}");
    }

    private static Rejection? OccurredTooEarly(Command command) =>
        command.OccurredAt.Day < EarliestDay
            ? new("occurred-before-1900",
                $"{command.OccurredAt} is before 1900; the ledger records what happened from 1900-01-01 on.")
            : null;

    private static Rejection? OccurredInFuture(Command command, DateTimeOffset now) =>
        command.OccurredAt.Instant > now + FutureTolerance
            ? new("occurred-in-future",
                $"{command.OccurredAt} is in the future: an entry may be dated at most one day after now ({now.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture)}).")
            : null;

    private static Rejection? Existence(PartnershipState state, Command command) => (command, state.IsOpened) switch
    {
        (OpenPartnership, true) => new("partnership-already-opened",
            $"This partnership was already opened, as \"{state.Title}\"; a partnership is opened once."),
        (not OpenPartnership, false) => new("partnership-not-opened",
            $"There is no partnership to record a {PartnershipEventCatalog.AliasOf(command.Payload)} entry in: open it first."),
        _ => null,
    };

    private static Decision DecideInHistory(PartnershipState state, Command command)
    {
        var pending = Pending(state.History, command, recordedAt: default);
        if (state.History.FollowsEverything(pending))
        {
            // Nothing occurred after it, so it is the only entry to check, against the partnership as it stands. The
            // rules read the whole partnership's agreements, never its history, so evolving is enough to include it.
            return (Decision?)PartnershipRules.Check(state, PartnershipState.Evolve(state, pending), command) ?? AcceptedFor(command);
        }

        var broken = FirstBrokenRule(state.History.Including(pending), pending.Sequence, rejectionOfChanged: rejection => rejection);
        return (Decision?)broken ?? AcceptedFor(command);
    }

    private static Decision DecideCorrection(PartnershipState state, CorrectEntry correction)
    {
        var targetId = correction.Data.EventId;
        if (state.History.Find(targetId) is not { } target)
        {
            return new Rejection("correction-target-unknown",
                $"There is no entry {targetId} in this partnership to correct.");
        }

        if (target.Event is EntryCorrected earlierCorrection)
        {
            return new Rejection("correction-of-correction",
                $"Entry {targetId} is itself a correction; correct the original entry {earlierCorrection.EventId} instead.");
        }

        var alias = PartnershipEventCatalog.AliasOf(target.Event);
        var corrected = EventDataReader.Read(alias, correction.Data.Data, "data");
        if (!corrected.IsValid)
        {
            return new Rejection("correction-data-invalid",
                $"The corrected data is not valid for a {alias} entry: {Describe(corrected.Errors)}");
        }

        var pending = Pending(state.History, correction, recordedAt: default);
        var broken = FirstBrokenRule(state.History.Including(pending), target.Sequence,
            rejectionOfChanged: rejection => rejection with { Reason = $"With this correction, {Uncapitalized(rejection.Reason)}" });
        return (Decision?)broken ?? AcceptedFor(correction);
    }

    /// <summary>
    /// Folds the effective history in occurred order and checks the changed entry (by sequence) and every entry after
    /// it against the partnership as it stood before each.
    /// </summary>
    private static Rejection? FirstBrokenRule(
        PartnershipHistory history, long changedSequence, Func<Rejection, Rejection> rejectionOfChanged)
    {
        var whole = PartnershipState.From(history);
        var then = PartnershipState.Empty;
        var checking = false;
        foreach (var entry in history.Effective)
        {
            checking |= entry.Sequence == changedSequence;
            if (checking && PartnershipRules.Check(then, whole, Command.For(entry.Event, entry.OccurredAt, entry.Source)) is { } broken)
            {
                return entry.Sequence == changedSequence
                    ? rejectionOfChanged(broken)
                    : new Rejection("contradicts-later-entry",
                        $"It would come before the {PartnershipEventCatalog.AliasOf(entry.Event)} entry of {entry.OccurredAt}, which would then break a rule: {broken.Reason}");
            }

            then = PartnershipState.Evolve(then, entry);
        }

        return null;
    }

    private static Accepted AcceptedFor(Command command) =>
        new([new EventToAppend(PartnershipEventCatalog.AliasOf(command.Payload), command.Payload, command.OccurredAt, command.Source)]);

    /// <summary>The entry a command would become, placed after everything recorded so far.</summary>
    private static RecordedEntry Pending(PartnershipHistory history, Command command, DateTimeOffset recordedAt) => new(
        EventId: Guid.Empty,
        Sequence: history.MaxSequence + 1,
        Version: history.Version + 1,
        command.OccurredAt,
        recordedAt,
        RecordedBy: "",
        command.Source,
        command.Payload);

    private static string Describe(IDictionary<string, string[]> errors) => string.Join(" ", errors.SelectMany(pair =>
        pair.Value.Select(message => pair.Key.Length == 0 ? message : $"{pair.Key}: {message}")));

    private static string Uncapitalized(string sentence) =>
        sentence.Length > 0 && char.IsUpper(sentence[0]) && !(sentence.Length > 1 && char.IsUpper(sentence[1]))
            ? char.ToLowerInvariant(sentence[0]) + sentence[1..]
            : sentence;
}
