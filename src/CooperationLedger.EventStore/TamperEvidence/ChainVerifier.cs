using System.Buffers;
using System.Text.Json;
using CooperationLedger.EventStore.Serialization;

namespace CooperationLedger.EventStore.TamperEvidence;

/// <summary>
/// Checks rows fed in global sequence order against the hash chain and the streams' recorded versions. After the first
/// failure it only keeps track of stream tips, since later failures cannot come earlier in the sequence, except a cut
/// tail, which is only known at the end.
/// </summary>
internal sealed class ChainVerifier(IReadOnlyDictionary<Guid, long> recordedStreamVersions) : IDisposable
{
    private readonly Dictionary<Guid, ChainTip> tips = [];
    private readonly EventHasher hasher = new();
    private readonly ArrayBufferWriter<byte> canonicalData = new();
    private readonly ArrayBufferWriter<byte> canonicalSource = new();
    private VerificationResult? firstFailure;
    private long eventsChecked;

    public void Check(StoredEventRow row)
    {
        eventsChecked++;
        if (firstFailure is null)
        {
            firstFailure = FindFailure(row, tips.GetValueOrDefault(row.StreamId));
        }

        tips[row.StreamId] = new ChainTip(row.Version, row.Sequence, row.Hash);
    }

    public VerificationResult Finish()
    {
        var failures = new List<VerificationResult>();
        if (firstFailure is not null)
        {
            failures.Add(firstFailure);
        }

        foreach (var (streamId, recordedVersion) in recordedStreamVersions)
        {
            var lastVersion = tips.TryGetValue(streamId, out var tip) ? tip.Version : 0;
            if (lastVersion != recordedVersion)
            {
                failures.Add(Failure(
                    tip?.Sequence,
                    VerificationFailure.StreamVersionMismatch,
                    $"stream {streamId} records version {recordedVersion} but its last event is version {lastVersion}",
                    streamId));
            }
        }

        return failures.Count == 0
            ? VerificationResult.Intact(eventsChecked)
            : failures.OrderBy(failure => failure.FirstInvalidSequence ?? long.MaxValue).First() with { EventsChecked = eventsChecked };
    }

    public void Dispose() => hasher.Dispose();

    private VerificationResult? FindFailure(StoredEventRow row, ChainTip? tip)
    {
        if (!recordedStreamVersions.ContainsKey(row.StreamId))
        {
            return Failure(row.Sequence, VerificationFailure.UnknownStream, $"stream {row.StreamId} is not recorded", row.StreamId);
        }

        Span<byte> recomputed = stackalloc byte[EventHasher.HashLength];
        if (!TryRecomputeHash(row, recomputed, out var unreadableReason))
        {
            return Failure(row.Sequence, VerificationFailure.UnreadableRow, unreadableReason, row.StreamId);
        }

        if (!recomputed.SequenceEqual(row.Hash))
        {
            return Failure(row.Sequence, VerificationFailure.HashMismatch, "the stored hash does not match the hash recomputed from the row", row.StreamId);
        }

        var expectedVersion = (tip?.Version ?? 0) + 1;
        if (row.Version != expectedVersion)
        {
            return Failure(row.Sequence, VerificationFailure.VersionOutOfSequence, $"expected version {expectedVersion} of stream {row.StreamId}, found version {row.Version}", row.StreamId);
        }

        var expectedPrevHash = tip?.Hash ?? [];
        if (!row.PrevHash.AsSpan().SequenceEqual(expectedPrevHash))
        {
            return Failure(row.Sequence, VerificationFailure.BrokenLink, "prev_hash is not the hash of the stream's previous event", row.StreamId);
        }

        return null;
    }

    private bool TryRecomputeHash(StoredEventRow row, Span<byte> hash, out string unreadableReason)
    {
        unreadableReason = "";
        canonicalData.ResetWrittenCount();
        canonicalSource.ResetWrittenCount();
        try
        {
            CanonicalJson.Write(row.DataJson ?? throw row.DataNotRead(), canonicalData);
            if (row.SourceJson is not null)
            {
                CanonicalJson.Write(row.SourceJson, canonicalSource);
            }
        }
        catch (JsonException exception)
        {
            unreadableReason = $"its stored JSON cannot be canonicalised: {exception.Message}";
            return false;
        }

        var body = new EventBody
        {
            StreamId = row.StreamId,
            EventId = row.EventId,
            Type = row.Type,
            SchemaVersion = row.SchemaVersion,
            CanonicalData = canonicalData.WrittenSpan,
            OccurredAt = row.OccurredAt,
            RecordedBy = row.RecordedBy,
            CanonicalSource = canonicalSource.WrittenSpan,
            CorrelationId = row.CorrelationId,
            CausationId = row.CausationId,
            IdempotencyKey = row.IdempotencyKey,
        };
        Span<byte> bodyDigest = stackalloc byte[EventHasher.HashLength];
        hasher.ComputeBodyDigest(body, bodyDigest);
        hasher.ComputeHash(
            bodyDigest,
            row.Version,
            row.Sequence,
            OccurredAt.ToMicrosecondsSinceUnixEpoch(row.RecordedAtUtc),
            row.PrevHash,
            hash);
        return true;
    }

    private static VerificationResult Failure(long? sequence, VerificationFailure failure, string reason, Guid streamId) =>
        new(Valid: false, EventsChecked: 0, sequence, failure, reason, streamId);

    private sealed record ChainTip(long Version, long Sequence, byte[] Hash);
}
