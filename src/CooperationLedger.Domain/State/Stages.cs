using System.Text.Json.Serialization;

namespace CooperationLedger.Domain;

/// <summary>
/// How far a partnership has come. The first seven are reached in this order and the highest reached wins;
/// <see cref="Suspended"/> and <see cref="Closed"/> override while they hold.
/// </summary>
[JsonConverter(typeof(StableNameEnumConverter<PartnershipStage>))]
public enum PartnershipStage
{
    [JsonStringEnumMemberName("exploring")] Exploring,
    [JsonStringEnumMemberName("engaged")] Engaged,
    [JsonStringEnumMemberName("consensus")] Consensus,
    [JsonStringEnumMemberName("intention")] Intention,
    [JsonStringEnumMemberName("negotiating")] Negotiating,
    [JsonStringEnumMemberName("active")] Active,
    [JsonStringEnumMemberName("lapsed")] Lapsed,
    [JsonStringEnumMemberName("suspended")] Suspended,
    [JsonStringEnumMemberName("closed")] Closed,
}

[JsonConverter(typeof(StableNameEnumConverter<AgreementStatus>))]
public enum AgreementStatus
{
    [JsonStringEnumMemberName("drafted")] Drafted,

    /// <summary>Signed, not yet in effect.</summary>
    [JsonStringEnumMemberName("signed")] Signed,
    [JsonStringEnumMemberName("active")] Active,
    [JsonStringEnumMemberName("expired")] Expired,
    [JsonStringEnumMemberName("terminated")] Terminated,
}

/// <summary>Whether the partnership is carrying on, paused, or over.</summary>
public enum PartnershipStanding
{
    Open,
    Suspended,
    Closed,
}
