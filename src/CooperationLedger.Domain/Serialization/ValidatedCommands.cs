using System.Collections;

namespace CooperationLedger.Domain;

/// <summary>
/// Commands exactly as <see cref="CommandReader"/> read them from a client's body. Their data and sources have passed
/// the checks <see cref="PartnershipDecider.Decide"/> would otherwise run again, so that
/// <see cref="PartnershipDecider.DecideAll(PartnershipState, ValidatedCommands, DateTimeOffset)"/> skips them. Only
/// the reader makes one, and the commands and their data are immutable, so the checks stay true.
/// </summary>
public sealed class ValidatedCommands : IReadOnlyList<Command>
{
    private readonly IReadOnlyList<Command> commands;

    internal ValidatedCommands(IReadOnlyList<Command> commands) => this.commands = commands;

    public int Count => commands.Count;

    public Command this[int index] => commands[index];

    public IEnumerator<Command> GetEnumerator() => commands.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
