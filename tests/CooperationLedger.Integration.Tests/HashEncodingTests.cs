using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using CooperationLedger.EventStore;
using CooperationLedger.EventStore.Serialization;
using CooperationLedger.Integration.Tests.Infrastructure;
using static CooperationLedger.Integration.Tests.Infrastructure.LedgerEvents;

namespace CooperationLedger.Integration.Tests;

/// <summary>
/// Recomputes stored hashes with an implementation written from docs/tamper-evidence.md alone, so that the encoding
/// an auditor would follow and the one the store and its SQL use cannot drift apart unnoticed.
/// </summary>
public sealed class HashEncodingTests(LedgerDatabase database) : IClassFixture<LedgerDatabase>
{
    [Fact]
    public async Task Stored_hashes_follow_the_documented_encoding()
    {
        var streamId = Guid.CreateVersion7();
        var metadata = new AppendMetadata("auditor@ledger") { CorrelationId = Guid.CreateVersion7(), CausationId = Guid.CreateVersion7(), IdempotencyKey = "board-minutes-7" };
        NewEvent[] events =
        [
            new(new AgreementSigned("Shared archive, phase 2", 98765.4321m, new DateOnly(2025, 1, 31)),
                OccurredAt.At(new DateTimeOffset(2025, 1, 31, 23, 59, 59, TimeSpan.FromMinutes(-210)).AddTicks(9999990)),
                new EventSource("agreement", "Signed agreement", new Uri("https://example.org/a?b=c&d=é"), new DateOnly(2025, 2, 1))),
            new(new VisitHeld("Observatoire de Paris", 40), OccurredAt.OnDate(new DateOnly(1667, 6, 21))),
        ];
        await database.Store.StartStreamAsync(streamId, PartnershipStream, events, metadata, TestContext.Current.CancellationToken);
        await database.Store.AppendAsync(streamId, PartnershipStream, ExpectedVersion.Exactly(2), Visits(1), Recorder, TestContext.Current.CancellationToken);

        var stored = await database.Store.ReadStreamAsync(streamId, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(3, stored.Count);
        Assert.All(stored, recorded => Assert.Equal(Convert.ToHexString(DocumentedHash(recorded)), Convert.ToHexString(recorded.Hash)));
    }

    private static byte[] DocumentedHash(RecordedEvent recorded)
    {
        var body = new MemoryStream();
        void Field(ReadOnlySpan<byte> bytes)
        {
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(length, (uint)bytes.Length);
            body.Write(length);
            body.Write(bytes);
        }

        byte[] Int64(long value)
        {
            var bytes = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(bytes, value);
            return bytes;
        }

        byte[] Uuid(Guid? value) => value is { } present ? present.ToByteArray(bigEndian: true) : [];
        long Microseconds(DateTimeOffset moment) => (moment.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

        Field("cooperation-ledger/event/v1"u8);
        Field(Uuid(recorded.StreamId));
        Field(Uuid(recorded.EventId));
        Field(Encoding.UTF8.GetBytes(recorded.Type));
        var schemaVersion = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(schemaVersion, recorded.SchemaVersion);
        Field(schemaVersion);
        Field(Encoding.UTF8.GetBytes(CanonicalJson.Canonicalize(recorded.DataJson)));
        Field(Int64(Microseconds(recorded.OccurredAt.Instant)));
        Field([recorded.OccurredAt.IsDate ? (byte)1 : (byte)0]);
        var offset = new byte[2];
        if (recorded.OccurredAt.OffsetMinutes is { } minutes)
        {
            BinaryPrimitives.WriteInt16BigEndian(offset, minutes);
        }

        Field(recorded.OccurredAt.OffsetMinutes is null ? [] : offset);
        Field(Encoding.UTF8.GetBytes(recorded.RecordedBy));
        Field(recorded.SourceJson is null ? [] : Encoding.UTF8.GetBytes(CanonicalJson.Canonicalize(recorded.SourceJson)));
        Field(Uuid(recorded.CorrelationId));
        Field(Uuid(recorded.CausationId));
        Field(Encoding.UTF8.GetBytes(recorded.IdempotencyKey ?? ""));

        var outer = new MemoryStream();
        outer.Write(SHA256.HashData(body.ToArray()));
        outer.Write(Int64(recorded.Version));
        outer.Write(Int64(recorded.Sequence));
        outer.Write(Int64(Microseconds(recorded.RecordedAt)));
        outer.Write(recorded.PrevHash);
        return SHA256.HashData(outer.ToArray());
    }
}
