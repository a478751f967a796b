namespace CooperationLedger.EventStore;

/// <summary>What the stream must look like for an append to go ahead.</summary>
public readonly record struct ExpectedVersion
{
    private ExpectedVersion(long? version, bool streamMustNotExist)
    {
        Version = version;
        StreamMustNotExist = streamMustNotExist;
    }

    /// <summary>No expectation: append after whatever is there, creating the stream if needed.</summary>
    public static ExpectedVersion Any => default;

    /// <summary>Start a stream: fails with <see cref="StreamAlreadyExistsException"/> if it exists.</summary>
    public static ExpectedVersion NoStream => new(null, streamMustNotExist: true);

    /// <summary>The stream must be at exactly this version (0: it must not have events yet).</summary>
    public static ExpectedVersion Exactly(long version) =>
        version >= 0 ? new(version, streamMustNotExist: false) : throw new ArgumentOutOfRangeException(nameof(version), version, "A stream version is never negative.");

    public long? Version { get; }

    public bool StreamMustNotExist { get; }

    public override string ToString() => StreamMustNotExist ? "no stream" : Version?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "any";
}
