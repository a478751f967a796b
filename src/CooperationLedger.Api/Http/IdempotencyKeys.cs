namespace CooperationLedger.Api.Http;

public static class IdempotencyKeys
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxLength = 255;

    /// <summary>The header's key: absent is null; present, it must be 1 to 255 visible ASCII characters.</summary>
    public static bool TryRead(HttpRequest request, out string? key, out string error)
    {
        ArgumentNullException.ThrowIfNull(request);
        key = null;
        error = "";
        if (!request.Headers.TryGetValue(HeaderName, out var values))
        {
            return true;
        }

        var value = values.ToString();
        if (values.Count != 1 || value.Length is 0 or > MaxLength || !value.All(character => character is > ' ' and <= '~'))
        {
            error = $"{HeaderName} must be one value of 1 to {MaxLength} visible ASCII characters, such as a UUID.";
            return false;
        }

        key = value;
        return true;
    }
}
