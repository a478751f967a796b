using System.Text.Json.Serialization;

namespace CooperationLedger.Domain;

[JsonConverter(typeof(StableNameEnumConverter<PartnerKind>))]
public enum PartnerKind
{
    [JsonStringEnumMemberName("government")] Government,
    [JsonStringEnumMemberName("university")] University,
    [JsonStringEnumMemberName("enterprise")] Enterprise,
    [JsonStringEnumMemberName("other")] Other,
}

[JsonConverter(typeof(StableNameEnumConverter<VisitDirection>))]
public enum VisitDirection
{
    /// <summary>The partner visited the home institution.</summary>
    [JsonStringEnumMemberName("inbound")] Inbound,

    /// <summary>The home institution visited the partner.</summary>
    [JsonStringEnumMemberName("outbound")] Outbound,
}

[JsonConverter(typeof(StableNameEnumConverter<ParticipantSide>))]
public enum ParticipantSide
{
    [JsonStringEnumMemberName("home")] Home,
    [JsonStringEnumMemberName("partner")] Partner,
}

[JsonConverter(typeof(StableNameEnumConverter<ConsensusLevel>))]
public enum ConsensusLevel
{
    [JsonStringEnumMemberName("preliminary")] Preliminary,
    [JsonStringEnumMemberName("final")] Final,
}

[JsonConverter(typeof(StableNameEnumConverter<CooperationArea>))]
public enum CooperationArea
{
    [JsonStringEnumMemberName("strategic-alliance")] StrategicAlliance,
    [JsonStringEnumMemberName("course-sharing")] CourseSharing,
    [JsonStringEnumMemberName("faculty-sharing")] FacultySharing,
    [JsonStringEnumMemberName("mutual-visits")] MutualVisits,
    [JsonStringEnumMemberName("custom-training")] CustomTraining,
    [JsonStringEnumMemberName("project-docking")] ProjectDocking,
    [JsonStringEnumMemberName("joint-research")] JointResearch,
    [JsonStringEnumMemberName("executive-education")] ExecutiveEducation,
    [JsonStringEnumMemberName("other")] Other,
}

[JsonConverter(typeof(StableNameEnumConverter<AgreementKind>))]
public enum AgreementKind
{
    [JsonStringEnumMemberName("mou")] Mou,
    [JsonStringEnumMemberName("framework")] Framework,
    [JsonStringEnumMemberName("specific")] Specific,
}

[JsonConverter(typeof(StableNameEnumConverter<SourceKind>))]
public enum SourceKind
{
    [JsonStringEnumMemberName("news-article")] NewsArticle,
    [JsonStringEnumMemberName("minutes")] Minutes,
    [JsonStringEnumMemberName("signed-document")] SignedDocument,
    [JsonStringEnumMemberName("photo")] Photo,
    [JsonStringEnumMemberName("other")] Other,
}
