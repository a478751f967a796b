namespace CooperationLedger.Domain;

/// <summary>The outcome of deciding a command: the events to append, or why not.</summary>
public abstract record Decision
{
    private protected Decision()
    {
    }
}

public sealed record Accepted(IReadOnlyList<EventToAppend> Events) : Decision;

/// <param name="Rule">A stable kebab-case id of the rule that refused, such as <c>agreement-not-drafted</c>.</param>
/// <param name="Reason">A sentence a person understands.</param>
public sealed record Rejection(string Rule, string Reason) : Decision;

/// <summary>An event ready for the store: its stable type name, data and envelope fields from the command.</summary>
public sealed record EventToAppend(string Type, PartnershipEvent Data, OccurredAt OccurredAt, Source? Source);

/// <summary>The outcome of deciding several commands in turn; <paramref name="RejectedIndex"/> says which one failed.</summary>
public sealed record BatchDecision(Decision Decision, int? RejectedIndex);
