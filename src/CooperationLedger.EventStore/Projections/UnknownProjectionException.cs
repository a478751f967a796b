namespace CooperationLedger.EventStore.Projections;

/// <summary>No projection with this name is registered with the engine.</summary>
public sealed class UnknownProjectionException(string name)
    : Exception($"No projection is named '{name}'.")
{
    public string Name { get; } = name;
}
