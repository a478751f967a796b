using System.Diagnostics.CodeAnalysis;

namespace CooperationLedger.Domain;

/// <summary>
/// Either a value read from client JSON or the reasons it could not be read, keyed by camelCase JSON path
/// (<c>delegationLead.name</c>, <c>partners[0].kind</c>), ready for an HTTP 400 <c>errors</c> object.
/// </summary>
public sealed class ReadResult<T> where T : class
{
    private ReadResult(T? value, IDictionary<string, string[]> errors)
    {
        Value = value;
        Errors = errors;
    }

    public T? Value { get; }

    public IDictionary<string, string[]> Errors { get; }

    [MemberNotNullWhen(true, nameof(Value))]
    public bool IsValid => Value is not null;

    public static ReadResult<T> Success(T value) => new(value, new Dictionary<string, string[]>());

    public static ReadResult<T> Failure(IDictionary<string, string[]> errors) =>
        errors.Count > 0 ? new(null, errors) : throw new ArgumentException("A failure needs at least one error.", nameof(errors));
}
