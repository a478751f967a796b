namespace CooperationLedger.Domain;

/// <summary>A partner organization as a partnership names it; <paramref name="Aliases"/> are other names it goes by.</summary>
public sealed record Partner(string Name, PartnerKind Kind, IReadOnlyList<string>? Aliases = null, string? Country = null);

/// <summary>A named person acting for an organization: a delegation lead or a signatory.</summary>
public sealed record PersonInRole(string Name, string Title, string Organization);

/// <summary>Someone who took part in a visit, on the home institution's side or the partner's.</summary>
public sealed record Participant(string Name, string Title, string Organization, ParticipantSide Side);
