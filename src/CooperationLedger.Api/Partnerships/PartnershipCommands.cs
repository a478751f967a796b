using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CooperationLedger.Api.Ledger;
using CooperationLedger.Domain;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Projections;
using Npgsql;
using NpgsqlTypes;

namespace CooperationLedger.Api.Partnerships;

/// <summary>
/// Opening partnerships and appending entries: read the body with the domain's reader, decide against the stored
/// history, append through the projection engine so the summary changes in the same transaction. The endpoints and
/// the sample-data loader both come through here, so sample data obeys exactly the rules a client does.
/// </summary>
public sealed class PartnershipCommands(
    LedgerEventStore store, ProjectionEngine engine, NpgsqlDataSource dataSource, CommittedStates committed, TimeProvider clock)
{
    /// <summary>How often an append without If-Match is tried before giving up on writers who keep getting in first.</summary>
    public const int MaxAttempts = 5;

    /// <summary>Opens a partnership from a <c>partnership-opened</c> body with <c>occurredAt</c> (default: today) and <c>source</c>.</summary>
    public async Task<WriteOutcome> OpenAsync(JsonElement body, Recording recording, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var read = CommandReader.ReadOpening(WithDefaultOccurredAt(body, clock.Today()));
        if (!read.IsValid)
        {
            return new InvalidInput(read.Errors);
        }

        if (recording.IdempotencyKey is null)
        {
            return await DecideOpeningAsync(read.Value, recording, cancellationToken);
        }

        // Each POST mints a new partnership id, so the store's per-stream idempotency cannot see a retry; a lock on the
        // key makes racing retries take turns, and the first one's opening is found by its key.
        var lockKey = OpeningLockKey(recording);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteWithKeyAsync(connection, "select pg_advisory_lock($1)", lockKey, cancellationToken);
        try
        {
            return await FindOpeningAsync(connection, recording, cancellationToken) is { } earlier
                ? AnswerToRepeatedOpening(earlier, body, recording)
                : await DecideOpeningAsync(read.Value, recording, cancellationToken);
        }
        finally
        {
            await ExecuteWithKeyAsync(connection, "select pg_advisory_unlock($1)", lockKey, CancellationToken.None);
        }
    }

    /// <summary>
    /// Appends one entry (<c>{type, occurredAt, data, source}</c>) or a JSON array of them, atomically.
    /// </summary>
    /// <param name="expectedVersion">From If-Match: the append happens only at this version. Without it the entries are
    /// decided against the latest state, again if another writer got in first.</param>
    public async Task<WriteOutcome> AppendAsync(
        Guid partnershipId, JsonElement body, long? expectedVersion, Recording recording, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recording);
        var read = CommandReader.ReadEntries(body);
        if (!read.IsValid)
        {
            return new InvalidInput(read.Errors);
        }

        var commands = read.Value;
        PartnershipState? decidedOn = null;
        var conflicts = 0;
        while (true)
        {
            var current = await CurrentStateAsync(partnershipId, commands, expectedVersion, recording, decidedOn, cancellationToken);
            if (current.Outcome is { } known)
            {
                return known;
            }

            var state = current.State!;
            decidedOn = state;
            var batch = PartnershipDecider.DecideAll(state, commands, clock.GetUtcNow());
            if (batch.Decision is Rejection rejection)
            {
                if (current.WasRemembered)
                {
                    // Another process may have moved the partnership on so that the rule now holds: ask the store.
                    continue;
                }

                return new RuleBroken(rejection, commands.Count > 1 ? batch.RejectedIndex : null);
            }

            var accepted = ((Accepted)batch.Decision).Events;
            try
            {
                var result = await engine.AppendWithInlineProjectionsAsync(
                    partnershipId,
                    LedgerEntries.PartnershipStreamType,
                    ExpectedVersion.Exactly(state.Version),
                    [.. accepted.Select(LedgerEntries.ToNewEvent)],
                    Metadata(recording),
                    cancellationToken);
                if (!result.WasDuplicate)
                {
                    committed.Remember(partnershipId, accepted
                        .Zip(result.Events, (decided, appended) => LedgerEntries.ToEntry(decided, appended, recording.RecordedBy))
                        .Aggregate(state, (before, entry) => before.Including(entry)));
                }

                if (result.WasDuplicate)
                {
                    // A request with the same key was appended after this one read the stream: its events answer.
                    var earlier = await store.ReadStreamAsync(
                        partnershipId, toVersion: result.LastVersion, afterVersion: result.Events[0].Version - 1, cancellationToken: cancellationToken);
                    return AnswerToRepeatedAppend(partnershipId, earlier, commands, recording);
                }

                return new Appended(partnershipId, result.Events, WasRetry: false);
            }
            catch (ConcurrencyException conflict)
            {
                if (expectedVersion is { } expected)
                {
                    return new VersionMoved(expected, conflict.Actual);
                }

                if (++conflicts == MaxAttempts)
                {
                    return new KeptConflicting(MaxAttempts);
                }

                // Spreads out writers that collided, so that they do not collide again in lockstep.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 * conflicts)), cancellationToken);
            }
        }
    }

    /// <summary>
    /// The partnership to decide against: the one this process remembers when it may be current (no
    /// If-Match, or one naming its version; no Idempotency-Key, whose earlier answer only the stored events show) and
    /// the tail of history it keeps is enough to decide <paramref name="commands"/>. After an attempt decided on
    /// <paramref name="decidedOn"/> lost to another writer or broke a rule, the newest state known here caught up with
    /// the entries stored after it, as far as a tail allows. Else the stored stream, which also settles a missing
    /// partnership, a retry, a stale If-Match, a late entry and a correction.
    /// </summary>
    private async Task<CurrentState> CurrentStateAsync(
        Guid partnershipId, IReadOnlyList<Command> commands, long? expectedVersion, Recording recording, PartnershipState? decidedOn, CancellationToken cancellationToken)
    {
        var remembered = recording.IdempotencyKey is null ? committed.Latest(partnershipId) : null;
        if (decidedOn is null
            && remembered is not null
            && (expectedVersion is null || expectedVersion == remembered.Version)
            && PartnershipDecider.CanDecideOn(remembered, commands))
        {
            return new CurrentState(remembered, Outcome: null, WasRemembered: true);
        }

        if (decidedOn is not null && recording.IdempotencyKey is null && expectedVersion is null)
        {
            // Entries up to a version never change, so only those stored since are read: reading the whole stream
            // again took long enough on a busy, long partnership for the next writer to win once more.
            var known = remembered is not null && remembered.Version > decidedOn.Version ? remembered : decidedOn;
            var stored = await store.ReadStreamAsync(partnershipId, afterVersion: known.Version, cancellationToken: cancellationToken);
            if (known.IncludingAll(LedgerEntries.ToEntries(stored)) is { } caughtUp && PartnershipDecider.CanDecideOn(caughtUp, commands))
            {
                committed.Remember(partnershipId, caughtUp);
                return new CurrentState(caughtUp, Outcome: null, WasRemembered: false);
            }
        }

        var recorded = await store.ReadStreamAsync(partnershipId, cancellationToken: cancellationToken);
        if (recorded.Count == 0)
        {
            return new CurrentState(null, new PartnershipNotFound(partnershipId), WasRemembered: false);
        }

        if (recording.IdempotencyKey is { } key && recorded.Where(stored => stored.IdempotencyKey == key).ToList() is { Count: > 0 } earlier)
        {
            return new CurrentState(null, AnswerToRepeatedAppend(partnershipId, earlier, commands, recording), WasRemembered: false);
        }

        var state = PartnershipState.From(LedgerEntries.ToEntries(recorded));
        committed.Remember(partnershipId, state);
        return expectedVersion is { } expected && expected != state.Version
            ? new CurrentState(null, new VersionMoved(expected, state.Version), WasRemembered: false)
            : new CurrentState(state, Outcome: null, WasRemembered: false);
    }

    private async Task<WriteOutcome> DecideOpeningAsync(Command opening, Recording recording, CancellationToken cancellationToken)
    {
        if (PartnershipDecider.Decide(PartnershipState.Empty, opening, clock.GetUtcNow()) is Rejection rejection)
        {
            return new RuleBroken(rejection, EntryIndex: null);
        }

        var partnershipId = Guid.CreateVersion7();
        var decided = new EventToAppend(PartnershipEventCatalog.AliasOf(opening.Payload), opening.Payload, opening.OccurredAt, opening.Source);
        var result = await engine.AppendWithInlineProjectionsAsync(
            partnershipId,
            LedgerEntries.PartnershipStreamType,
            ExpectedVersion.NoStream,
            [LedgerEntries.ToNewEvent(decided)],
            Metadata(recording),
            cancellationToken);
        var entry = LedgerEntries.ToEntry(decided, result.Events[0], recording.RecordedBy);
        committed.Remember(partnershipId, PartnershipState.From([entry]));
        return new Opened(partnershipId, PartnershipSummary.Create(partnershipId, [entry], clock.Today()), WasRetry: false);
    }

    /// <summary>
    /// The first answer again if <paramref name="earlier"/> is what these entries ask for and this client stored them
    /// under the key; otherwise the key was reused.
    /// </summary>
    private static WriteOutcome AnswerToRepeatedAppend(
        Guid partnershipId, IReadOnlyList<RecordedEvent> earlier, IReadOnlyList<Command> commands, Recording recording)
    {
        var key = recording.IdempotencyKey!;
        if (earlier.Any(stored => stored.RecordedBy != recording.RecordedBy))
        {
            return new KeyReused(key, ByAnotherClient: true);
        }

        return EntryAsStored.AreSame(commands, earlier)
            ? new Appended(partnershipId, [.. earlier.Select(AppendedOf)], WasRetry: true)
            : new KeyReused(key, ByAnotherClient: false);
    }

    private WriteOutcome AnswerToRepeatedOpening(RecordedEvent earlier, JsonElement body, Recording recording)
    {
        // A body without occurredAt asks for the day the ledger gave it when first sent, which a retry after midnight
        // must not turn into another request; the day stored is that day, the clocks of this process and the database
        // being no sure guide to it.
        var asFirstRead = CommandReader.ReadOpening(WithDefaultOccurredAt(body, earlier.OccurredAt.Date));
        return asFirstRead.IsValid && EntryAsStored.AreSame([asFirstRead.Value], [earlier])
            ? new Opened(earlier.StreamId, PartnershipSummary.Create(earlier.StreamId, [LedgerEntries.ToEntry(earlier)], clock.Today()), WasRetry: true)
            : new KeyReused(recording.IdempotencyKey!, ByAnotherClient: false);
    }

    private async Task<RecordedEvent?> FindOpeningAsync(NpgsqlConnection connection, Recording recording, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            select stream_id
              from ledger.events
             where version = 1 and idempotency_key = $1 and recorded_by = $2
             limit 1
            """, connection);
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Text, Value = recording.IdempotencyKey });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Text, Value = recording.RecordedBy });
        if (await command.ExecuteScalarAsync(cancellationToken) is not Guid partnershipId)
        {
            return null;
        }

        var opening = await store.ReadStreamAsync(partnershipId, toVersion: 1, cancellationToken: cancellationToken);
        return opening[0];
    }

    private static long OpeningLockKey(Recording recording) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"cooperation-ledger/open/{recording.RecordedBy}/{recording.IdempotencyKey}")));

    private static async Task ExecuteWithKeyAsync(NpgsqlConnection connection, string sql, long lockKey, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Bigint, Value = lockKey });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static AppendMetadata Metadata(Recording recording) =>
        new(recording.RecordedBy) { IdempotencyKey = recording.IdempotencyKey };

    private static AppendedEvent AppendedOf(RecordedEvent recorded) =>
        new(recorded.EventId, recorded.Sequence, recorded.Version, recorded.Hash, recorded.RecordedAt);

    private static JsonElement WithDefaultOccurredAt(JsonElement body, DateOnly defaultDay)
    {
        if (body.ValueKind != JsonValueKind.Object
            || (body.TryGetProperty("occurredAt", out var occurredAt) && occurredAt.ValueKind != JsonValueKind.Null))
        {
            return body;
        }

        var withDate = JsonObject.Create(body)!;
        withDate["occurredAt"] = defaultDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return JsonSerializer.SerializeToElement(withDate);
    }

    private sealed record CurrentState(PartnershipState? State, WriteOutcome? Outcome, bool WasRemembered);
}
