using CooperationLedger.Api.Security;
using Microsoft.Extensions.Options;

namespace CooperationLedger.Api.Hosting;

/// <summary>Refuses to start with a configuration that would fail later, naming each setting that is wrong.</summary>
public sealed class LedgerOptionsValidation : IValidateOptions<LedgerOptions>
{
    public ValidateOptionsResult Validate(string? name, LedgerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        for (var index = 0; index < options.ApiKeys.Count; index++)
        {
            var key = options.ApiKeys[index];
            var setting = $"{LedgerOptions.Section}:ApiKeys:{index}";
            if (key.Key.Length < 16)
            {
                failures.Add($"{setting}:Key must be at least 16 characters.");
            }

            if (string.IsNullOrWhiteSpace(key.Name))
            {
                failures.Add($"{setting}:Name is required: it becomes the recordedBy of what the key writes.");
            }

            if (key.Roles.Count == 0 || !key.Roles.TrueForAll(ApiRoles.IsKnown))
            {
                failures.Add($"{setting}:Roles must list one or more of {string.Join(", ", ApiRoles.All)}.");
            }
        }

        if (options.MaxRequestBodyBytes < 1)
        {
            failures.Add($"{LedgerOptions.Section}:MaxRequestBodyBytes must be positive.");
        }

        if (options.RateLimit.PermitLimit < 1 || options.RateLimit.WindowSeconds < 1)
        {
            failures.Add($"{LedgerOptions.Section}:RateLimit:PermitLimit and :WindowSeconds must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
