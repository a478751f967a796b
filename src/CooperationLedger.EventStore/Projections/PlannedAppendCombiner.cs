using Npgsql;

namespace CooperationLedger.EventStore.Projections;

/// <summary>
/// Sends planned appends to the database, combining those that wait at the same time into one round trip and one
/// implicit transaction: one call of <c>ledger.append_single_events</c> when each is one event to a stream that exists
/// (else <c>ledger.append_group</c>) for all their events, and one set of each projection's statements for all their
/// rows (docs/projections.md, "Combined planned appends"). At most
/// <see cref="ProjectionEngineOptions.PlannedAppendsInFlight"/> round trips are under way; appends arriving meanwhile
/// wait for the next, so the groups grow with the load and an append alone is sent at once. A stream is in one group
/// at a time. A group is all or nothing, so when the database refuses one, its appends are sent again one by one and
/// each gets its own answer.
/// </summary>
internal sealed class PlannedAppendCombiner(
    NpgsqlDataSource dataSource,
    IReadOnlyList<IPlannedInlineProjection> planners,
    long[] inlineLockKeys,
    string[] inlineNames,
    ProjectionEngineOptions options)
{
    private readonly Lock gate = new();
    private readonly List<Waiting> waiting = [];
    private readonly HashSet<Guid> streamsInFlight = [];
    private int roundTripsInFlight;

    public async Task<AppendResult> AppendAsync(PendingAppend append, PlannedInlineAppend planned, CancellationToken cancellationToken)
    {
        var entry = new Waiting(append, planned);
        bool sends;
        lock (gate)
        {
            waiting.Add(entry);
            sends = roundTripsInFlight < options.PlannedAppendsInFlight;
            if (sends)
            {
                roundTripsInFlight++;
            }
        }

        if (sends)
        {
            // Runs on this caller until its first round trip is under way, then on whichever thread completes it.
            _ = SendWhileWaitingAsync();
        }

        // A caller that gives up stops waiting, not the group its append may already be in.
        return await entry.Result.Task.WaitAsync(cancellationToken);
    }

    private async Task SendWhileWaitingAsync()
    {
        while (TakeGroup() is { } group)
        {
            try
            {
                await SendAsync(group);
            }
            finally
            {
                lock (gate)
                {
                    foreach (var entry in group)
                    {
                        streamsInFlight.Remove(entry.Append.StreamId);
                    }
                }
            }
        }
    }

    /// <summary>
    /// The waiting appends that can go together, taken oldest first: distinct streams none of which is in flight,
    /// planned for the same generations, in stream order. Null, and one sender fewer, when none can go.
    /// </summary>
    private List<Waiting>? TakeGroup()
    {
        lock (gate)
        {
            var group = new List<Waiting>();
            for (var index = 0; index < waiting.Count && group.Count < options.PlannedAppendGroupSize; index++)
            {
                var entry = waiting[index];
                if ((group.Count == 0 || entry.Planned.Generations.AsSpan().SequenceEqual(group[0].Planned.Generations))
                    && streamsInFlight.Add(entry.Append.StreamId))
                {
                    group.Add(entry);
                    waiting.RemoveAt(index--);
                }
            }

            if (group.Count == 0)
            {
                roundTripsInFlight--;
                return null;
            }

            // Sorted by stream, so that groups of several processes lock the streams they share in one order.
            group.Sort(static (left, right) => left.Append.StreamId.CompareTo(right.Append.StreamId));
            return group;
        }
    }

    private async Task SendAsync(List<Waiting> group)
    {
        // A lone append of the kind ledger.append_single_events takes goes as a group too: that costs the database less.
        if (group.Count > 1 || group[0].Append.IsSingleEventToExistingStream)
        {
            try
            {
                var results = await AppendGroupAsync(group);
                for (var index = 0; index < group.Count; index++)
                {
                    group[index].Result.SetResult(results[index]);
                }

                return;
            }
            catch (PostgresException)
            {
                // Nothing of the group was written; one by one, each append learns whether and why it is refused.
            }
            catch (Exception failure)
            {
                foreach (var entry in group)
                {
                    entry.Result.SetException(failure);
                }

                return;
            }
        }

        foreach (var entry in group)
        {
            try
            {
                entry.Result.SetResult(await AppendOneAsync(entry.Append, entry.Planned));
            }
            catch (Exception failure)
            {
                entry.Result.SetException(failure);
            }
        }
    }

    /// <summary>
    /// One round trip, one implicit transaction: the append, which first holds the inline generations and checks the
    /// plans' premises, every plan's statements, and the notification. A failure anywhere writes nothing.
    /// </summary>
    private async Task<AppendResult> AppendOneAsync(PendingAppend append, PlannedInlineAppend planned)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(append.CreateBatchCommand(new InlinePlanPremises(inlineLockKeys, inlineNames, planned.Generations, planned.BuiltOnHash)));
        AddWrites(batch, [planned]);
        AppendResult result;
        try
        {
            await batch.PrepareAsync();
            await using var reader = await batch.ExecuteReaderAsync();
            result = await append.ReadResultAsync(reader, CancellationToken.None);
            await ReadToTheEndAsync(reader);
        }
        catch (PostgresException exception) when (append.Translate(exception) is { } translated)
        {
            throw translated;
        }

        Committed(planned, result);
        return result;
    }

    private async Task<AppendResult[]> AppendGroupAsync(List<Waiting> group)
    {
        var appends = group.ConvertAll(entry => entry.Append);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(PendingAppend.CreateGroupCommand(
            appends, group.ConvertAll(entry => entry.Planned.BuiltOnHash), inlineLockKeys, inlineNames, group[0].Planned.Generations));
        AddWrites(batch, group.ConvertAll(entry => entry.Planned));
        await batch.PrepareAsync();
        await using var reader = await batch.ExecuteReaderAsync();
        var results = await PendingAppend.ReadGroupResultAsync(reader, appends, CancellationToken.None);
        await ReadToTheEndAsync(reader);
        for (var index = 0; index < group.Count; index++)
        {
            Committed(group[index].Planned, results[index]);
        }

        return results;
    }

    private void AddWrites(NpgsqlBatch batch, List<PlannedInlineAppend> appends)
    {
        for (var projection = 0; projection < planners.Count; projection++)
        {
            foreach (var command in planners[projection].Write(appends.ConvertAll(append => append.Plans[projection])))
            {
                batch.BatchCommands.Add(command);
            }
        }

        if (options.NotifyOnAppend)
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand(FeedFrontier.NotifySql) { Parameters = { new() { Value = FeedFrontier.Channel } } });
        }
    }

    // An error in a later statement arrives with its result; only the last one proves the commit.
    private static async Task ReadToTheEndAsync(NpgsqlDataReader reader)
    {
        while (await reader.NextResultAsync())
        {
        }
    }

    private static void Committed(PlannedInlineAppend planned, AppendResult result)
    {
        foreach (var plan in planned.Plans)
        {
            plan.Committed?.Invoke(result);
        }
    }

    private sealed class Waiting(PendingAppend append, PlannedInlineAppend planned)
    {
        public PendingAppend Append { get; } = append;

        public PlannedInlineAppend Planned { get; } = planned;

        // Completed by the sender; the caller's continuation must not run inside the sender's loop.
        public TaskCompletionSource<AppendResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

/// <summary>Every inline projection's plan for one append (in the engine's order), and the generations they were planned for.</summary>
internal sealed record PlannedInlineAppend(byte[]? BuiltOnHash, long[] Generations, InlineAppendPlan[] Plans);
