using System.Text.Json;
using CooperationLedger.Domain;
using CooperationLedger.EventStore;
using StoreOccurredAt = CooperationLedger.EventStore.OccurredAt;

namespace CooperationLedger.Benchmarks;

/// <summary>
/// A realistic partnership ledger for projection benchmarks: each partnership lives through a script of about 40
/// events in the mix the seed articles show (opening, many visits, consensus, intention, agreements drafted, signed
/// and renewed, milestones, notes, sources, now and then a suspension, closure, late-recorded entry or correction),
/// and writers interleave a few hundred partnerships at a time, as a year of an institution's work would.
/// </summary>
internal static class PartnershipLedgerGenerator
{
    public const string StreamType = "partnership";
    private const int Writers = 8;
    private const int ActivePartnershipsPerWriter = 64;
    private static readonly AppendMetadata Recorder = new("bench@ledger");

    /// <summary>Appends partnerships until at least <paramref name="eventCount"/> events are stored; returns how many were.</summary>
    public static async Task<long> SeedAsync(LedgerEventStore store, long eventCount, int seed)
    {
        var perWriter = (eventCount + Writers - 1) / Writers;
        var counts = await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(() => WriteAsync(store, perWriter, seed + writer))));
        return counts.Sum();
    }

    /// <summary>One more event of the kind a running ledger sees most: a visit, note or milestone.</summary>
    public static NewEvent RoutineEvent(Random random, DateOnly day) => random.Next(3) switch
    {
        0 => At(day, Visit(random)),
        1 => At(day, new NoteAdded($"Follow-up call about {Pick(random, Topics)}.")),
        _ => At(day, new MilestoneRecorded($"{Pick(random, Topics)} delivered", Area: Pick(random, Areas))),
    };

    private static async Task<long> WriteAsync(LedgerEventStore store, long eventCount, int seed)
    {
        var random = new Random(seed);
        var active = new List<PartnershipScript>();
        long written = 0;
        long scripted = 0;
        while (true)
        {
            while (active.Count < ActivePartnershipsPerWriter && scripted < eventCount)
            {
                var script = PartnershipScript.Create(random);
                active.Add(script);
                scripted += script.Remaining;
            }

            if (active.Count == 0)
            {
                break;
            }

            var index = random.Next(active.Count);
            var next = active[index];
            var batch = next.Next(random.Next(1, 9));
            await store.AppendAsync(next.Id, StreamType, ExpectedVersion.Exactly(next.Version), batch, Recorder);
            next.Version += batch.Count;
            written += batch.Count;
            if (next.IsDone)
            {
                active.RemoveAt(index);
            }
        }

        return written;
    }

    private static NewEvent At(DateOnly day, PartnershipEvent data) => new(data, StoreOccurredAt.OnDate(day));

    private static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static VisitHeld Visit(Random random) => new(
        random.Next(2) == 0 ? VisitDirection.Inbound : VisitDirection.Outbound,
        new PersonInRole(Pick(random, People), "Deputy Director", Pick(random, Organizations)),
        [.. Enumerable.Range(0, random.Next(3, 6)).Select(_ => new Participant(Pick(random, People), "Dean", "CTO School", random.Next(2) == 0 ? ParticipantSide.Home : ParticipantSide.Partner))],
        [.. Enumerable.Range(0, random.Next(2, 4)).Select(_ => Pick(random, Topics))],
        "CTO School, Shanghai",
        "Discussed ways to cooperate in cultivating scientific and innovative talents.");

    private static readonly string[] People = ["Chen Xin", "He Jiaxun", "Wang Zhenghuan", "Wu Xiaobo", "Peng Yuxin", "Li Wei", "Zhang Min", "Liu Yang"];

    private static readonly string[] Organizations =
    [
        "Science and Technology Commission of Jiading District, Shanghai",
        "School of Innovation and Entrepreneurship, Shandong University",
        "Wujing Town Government of Minhang District",
        "NEO Bay Innovation Park",
    ];

    private static readonly string[] Topics =
    [
        "cultivating sci-tech innovative talents", "customised training courses", "project docking between schools and enterprises",
        "sharing of courses and faculty", "mutual visits of teaching teams", "strategic alliance in science and technology business",
    ];

    private static readonly CooperationArea[] Areas = Enum.GetValues<CooperationArea>();

    /// <summary>The whole life of one partnership, handed out a few events at a time.</summary>
    private sealed class PartnershipScript
    {
        private readonly Queue<NewEvent> pending;

        private PartnershipScript(Guid id, Queue<NewEvent> pending)
        {
            Id = id;
            this.pending = pending;
        }

        public Guid Id { get; }

        public long Version { get; set; }

        public bool IsDone => pending.Count == 0;

        public int Remaining => pending.Count;

        public static PartnershipScript Create(Random random)
        {
            var day = new DateOnly(2015, 1, 1).AddDays(random.Next(365 * 9));
            var events = new List<NewEvent>();
            DateOnly Later() => day = day.AddDays(random.Next(1, 45));
            var partner = Pick(random, Organizations);
            events.Add(At(day, new PartnershipOpened(
                $"Cooperation with {partner}",
                [new Partner(partner, PartnerKind.Government, [partner.Split(',')[0]], "CN")],
                "CoETT",
                [Pick(random, Topics)])));
            var visitIds = new List<(Guid Id, VisitHeld Visit)>();
            foreach (var _ in Enumerable.Range(0, random.Next(5, 12)))
            {
                var visit = Visit(random);
                var id = Guid.CreateVersion7();
                visitIds.Add((id, visit));
                events.Add(At(Later(), visit) with { EventId = id });
            }

            events.Add(At(Later(), new ConsensusReached(ConsensusLevel.Preliminary, "Preliminary consensus on further strategic cooperation.", [Pick(random, Areas)])));
            events.Add(At(Later(), new IntentionDeclared([Pick(random, Areas), Pick(random, Areas)], "Cooperation intentions.")));
            foreach (var agreement in Enumerable.Range(1, random.Next(1, 3)))
            {
                var agreementId = $"agreement-{agreement}";
                events.Add(At(Later(), new AgreementDrafted(agreementId, "Framework agreement on talent cultivation", AgreementKind.Framework, [Pick(random, Areas)])));
                var signedOn = Later();
                events.Add(At(signedOn, new AgreementSigned(agreementId, signedOn, signedOn, [new PersonInRole(Pick(random, People), "Dean", "CTO School")], signedOn.AddYears(3))));
                if (random.Next(3) == 0)
                {
                    events.Add(At(Later(), new AgreementRenewed(agreementId, signedOn.AddYears(6))));
                }
            }

            foreach (var _ in Enumerable.Range(0, random.Next(12, 24)))
            {
                events.Add(random.Next(4) == 0
                    ? At(Later(), new SourceAttached(SourceKind.NewsArticle, "CTO School news", "https://example.org/news", day))
                    : RoutineEvent(random, Later()));
            }

            if (random.Next(10) == 0)
            {
                events.Add(At(Later(), new PartnershipSuspended("Budget review")));
                events.Add(At(Later(), new PartnershipResumed("Budget approved")));
            }

            if (random.Next(20) == 0)
            {
                // Recorded now, but it happened years before: the fold has to put it back in place.
                events.Add(At(day.AddYears(-1), Visit(random)));
            }

            if (random.Next(20) == 0)
            {
                var (targetId, target) = visitIds[random.Next(visitIds.Count)];
                var corrected = JsonSerializer.SerializeToElement(target with { Location = "NEO Bay Innovation Park" }, DomainJsonContext.Default.VisitHeld);
                events.Add(At(Later(), new EntryCorrected(targetId, "The visit took place at NEO Bay.", corrected)));
            }

            if (random.Next(20) == 0)
            {
                events.Add(At(Later(), new PartnershipClosed("Programme ended")));
            }

            return new PartnershipScript(Guid.CreateVersion7(), new Queue<NewEvent>(events));
        }

        public List<NewEvent> Next(int count)
        {
            var batch = new List<NewEvent>(count);
            while (batch.Count < count && pending.TryDequeue(out var next))
            {
                batch.Add(next);
            }

            return batch;
        }
    }
}
