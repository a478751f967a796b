using System.Data;
using Npgsql;

namespace CooperationLedger.EventStore.Projections;

/// <summary>How far a batch got; <see cref="Failure"/> is set when a poison event stopped the projection.</summary>
internal sealed record BatchOutcome(long Position, string? Failure);

/// <summary>A page of events for one generation of a projection, and how its checkpoint moves once they are applied.</summary>
/// <param name="PositionReached">Where the checkpoint stands when every event of the page is applied.</param>
/// <param name="MoveCheckpoint">Writes the position reached (and a failure, if any) inside the batch's transaction.</param>
internal sealed record EventBatch(
    IProjection Projection,
    long Generation,
    IReadOnlyList<RecordedEvent> Events,
    long PositionReached,
    Func<ProjectionContext, long, string?, Task> MoveCheckpoint);

/// <summary>
/// Applies one batch of events and moves the checkpoint in one transaction, so that each event takes effect exactly
/// once. When the projection throws, the batch is retried event by event under savepoints to find the poison
/// events: each is dead-lettered, then skipped or made the point where the projection stops, as it declares.
/// </summary>
internal static class BatchApplier
{
    private const string EventSavepoint = "projection_event";

    public static async Task<BatchOutcome> ApplyAsync(NpgsqlConnection connection, EventFeedReader feed, EventBatch batch, CancellationToken cancellationToken)
    {
        var (projection, generation, events, positionReached, moveCheckpoint) = batch;
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var context = new ProjectionContext(projection.Name, generation, connection, transaction, feed);
            if (events.Count > 0)
            {
                await projection.ApplyAsync(context, events, cancellationToken);
            }

            await moveCheckpoint(context, positionReached, null);
            await transaction.CommitAsync(cancellationToken);
            return new BatchOutcome(positionReached, null);
        }
        catch (Exception exception) when (IsProjectionFault(exception, connection))
        {
            return await ApplyOneByOneAsync(connection, feed, batch, cancellationToken);
        }
    }

    /// <summary>
    /// True when the projection itself failed on the data; false for cancellation, a lost leadership, or a broken or
    /// transiently failing connection, which are retried later rather than blamed on an event.
    /// </summary>
    public static bool IsProjectionFault(Exception exception, NpgsqlConnection connection) =>
        exception is not (OperationCanceledException or LeadershipLostException or NpgsqlException { IsTransient: true })
        && connection.FullState == ConnectionState.Open;

    private static async Task<BatchOutcome> ApplyOneByOneAsync(NpgsqlConnection connection, EventFeedReader feed, EventBatch batch, CancellationToken cancellationToken)
    {
        var (projection, generation, events, positionReached, moveCheckpoint) = batch;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var context = new ProjectionContext(projection.Name, generation, connection, transaction, feed);
        foreach (var candidate in events)
        {
            await transaction.SaveAsync(EventSavepoint, cancellationToken);
            try
            {
                await projection.ApplyAsync(context, [candidate], cancellationToken);
                await transaction.ReleaseAsync(EventSavepoint, cancellationToken);
            }
            catch (Exception exception) when (IsProjectionFault(exception, connection))
            {
                await transaction.RollbackAsync(EventSavepoint, cancellationToken);
                await CheckpointStore.DeadLetterAsync(context, candidate, exception, cancellationToken);
                if (projection.OnPoisonEvent == PoisonEventPolicy.Stop)
                {
                    var failure = $"Projection '{projection.Name}' stopped at sequence {candidate.Sequence} ({candidate.Type} {candidate.EventId}): {exception.Message}";
                    var stoppedAt = candidate.Sequence - 1;
                    await moveCheckpoint(context, stoppedAt, failure);
                    await transaction.CommitAsync(cancellationToken);
                    return new BatchOutcome(stoppedAt, failure);
                }
            }
        }

        await moveCheckpoint(context, positionReached, null);
        await transaction.CommitAsync(cancellationToken);
        return new BatchOutcome(positionReached, null);
    }
}
