using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace CooperationLedger.EventStore.TamperEvidence;

/// <summary>
/// Computes the hash chain's values with the byte encoding specified in docs/tamper-evidence.md; the append function
/// in Migrations/0001_event_store.sql computes the outer hash and must stay in step with <see cref="ComputeHash"/>.
/// One instance reuses its buffer and hash state across events; it is not thread-safe.
/// </summary>
internal sealed class EventHasher : IDisposable
{
    public const int HashLength = 32;
    private const int GuidLength = 16;
    private const int LengthPrefix = sizeof(uint);
    private const int OuterInputLength = HashLength + (3 * sizeof(long)) + HashLength;

    private readonly IncrementalHash sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly ArrayBufferWriter<byte> encoded = new(1024);

    private static ReadOnlySpan<byte> FormatTag => "cooperation-ledger/event/v1"u8;

    /// <summary>SHA-256 of the length-prefixed fields the client knows before the database assigns anything.</summary>
    public void ComputeBodyDigest(in EventBody body, Span<byte> destination)
    {
        encoded.ResetWrittenCount();
        AppendField(FormatTag);
        AppendGuid(body.StreamId);
        AppendGuid(body.EventId);
        AppendText(body.Type);
        BinaryPrimitives.WriteInt32BigEndian(Field(sizeof(int)), body.SchemaVersion);
        AppendField(body.CanonicalData);
        BinaryPrimitives.WriteInt64BigEndian(Field(sizeof(long)), body.OccurredAt.MicrosecondsSinceUnixEpoch);
        Field(1)[0] = body.OccurredAt.IsDate ? (byte)1 : (byte)0;
        if (body.OccurredAt.OffsetMinutes is { } offsetMinutes)
        {
            BinaryPrimitives.WriteInt16BigEndian(Field(sizeof(short)), offsetMinutes);
        }
        else
        {
            Field(0);
        }

        AppendText(body.RecordedBy);
        AppendField(body.CanonicalSource);
        AppendOptionalGuid(body.CorrelationId);
        AppendOptionalGuid(body.CausationId);
        AppendText(body.IdempotencyKey ?? "");
        Hash(encoded.WrittenSpan, destination);
    }

    public byte[] ComputeBodyDigest(in EventBody body)
    {
        var digest = new byte[HashLength];
        ComputeBodyDigest(body, digest);
        return digest;
    }

    /// <summary>SHA-256(body digest ‖ version ‖ sequence ‖ recorded_at µs ‖ previous hash), integers as big-endian int64.</summary>
    public void ComputeHash(ReadOnlySpan<byte> bodyDigest, long version, long sequence, long recordedAtMicroseconds, ReadOnlySpan<byte> previousHash, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[OuterInputLength];
        bodyDigest.CopyTo(input);
        var length = bodyDigest.Length;
        BinaryPrimitives.WriteInt64BigEndian(input[length..], version);
        length += sizeof(long);
        BinaryPrimitives.WriteInt64BigEndian(input[length..], sequence);
        length += sizeof(long);
        BinaryPrimitives.WriteInt64BigEndian(input[length..], recordedAtMicroseconds);
        length += sizeof(long);
        previousHash.CopyTo(input[length..]);
        length += previousHash.Length;
        Hash(input[..length], destination);
    }

    public void Dispose() => sha256.Dispose();

    private void Hash(ReadOnlySpan<byte> input, Span<byte> destination)
    {
        sha256.AppendData(input);
        sha256.GetHashAndReset(destination);
    }

    /// <summary>Writes the length prefix and returns the span for the field's bytes.</summary>
    private Span<byte> Field(int length)
    {
        var span = encoded.GetSpan(LengthPrefix + length);
        BinaryPrimitives.WriteUInt32BigEndian(span, checked((uint)length));
        encoded.Advance(LengthPrefix + length);
        return span.Slice(LengthPrefix, length);
    }

    private void AppendField(ReadOnlySpan<byte> value) => value.CopyTo(Field(value.Length));

    private void AppendGuid(Guid value) => value.TryWriteBytes(Field(GuidLength), bigEndian: true, out _);

    private void AppendOptionalGuid(Guid? value)
    {
        if (value is { } present)
        {
            AppendGuid(present);
        }
        else
        {
            Field(0);
        }
    }

    private void AppendText(string value)
    {
        var span = encoded.GetSpan(LengthPrefix + Encoding.UTF8.GetMaxByteCount(value.Length));
        var length = Encoding.UTF8.GetBytes(value, span[LengthPrefix..]);
        BinaryPrimitives.WriteUInt32BigEndian(span, checked((uint)length));
        encoded.Advance(LengthPrefix + length);
    }
}

/// <summary>The fields of an event that go into its body digest.</summary>
internal readonly ref struct EventBody
{
    public required Guid StreamId { get; init; }

    public required Guid EventId { get; init; }

    public required string Type { get; init; }

    public required int SchemaVersion { get; init; }

    public required ReadOnlySpan<byte> CanonicalData { get; init; }

    public required OccurredAt OccurredAt { get; init; }

    public required string RecordedBy { get; init; }

    /// <summary>Empty when the event has no source.</summary>
    public required ReadOnlySpan<byte> CanonicalSource { get; init; }

    public required Guid? CorrelationId { get; init; }

    public required Guid? CausationId { get; init; }

    public required string? IdempotencyKey { get; init; }
}
