using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using CooperationLedger.Api.Hosting;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace CooperationLedger.Api.Security;

/// <summary>
/// The keys the service accepts: those in configuration, and those created at run time, which are stored only as
/// SHA-256 hashes in <c>ledger.api_keys</c>. Runtime keys found are remembered for a few seconds so that a request
/// does not cost a query; revoking one here forgets it at once, another process within that time.
/// </summary>
public sealed class ApiKeyRegistry(NpgsqlDataSource dataSource, IOptions<LedgerOptions> options, TimeProvider clock)
{
    private const string KeyPrefix = "cl_";
    private const int KeyBytes = 32;
    private const int MaxRememberedKeys = 10_000;
    private static readonly TimeSpan RememberFor = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, RememberedKey> remembered = new(StringComparer.Ordinal);
    private readonly Lazy<IReadOnlyList<(byte[] Hash, ApiKeyIdentity Identity)>> configuredKeys = new(() =>
        [.. options.Value.ApiKeys.Select((key, index) => (Hash(key.Key), new ApiKeyIdentity($"config:{index}", key.Name, key.Roles)))]);

    public bool AnyConfigured => options.Value.ApiKeys.Count > 0;

    public async ValueTask<ApiKeyIdentity?> FindAsync(string presentedKey, CancellationToken cancellationToken)
    {
        var hash = Hash(presentedKey);
        foreach (var (configuredHash, identity) in configuredKeys.Value)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, configuredHash))
            {
                return identity;
            }
        }

        var hashText = Convert.ToHexString(hash);
        var now = clock.GetUtcNow();
        if (remembered.TryGetValue(hashText, out var known) && known.Until > now)
        {
            return known.Identity;
        }

        await using var command = dataSource.CreateCommand("""
            select id, name, roles from ledger.api_keys where key_hash = $1 and revoked_at is null
            """);
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Bytea, Value = hash });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            remembered.TryRemove(hashText, out _);
            return null;
        }

        var found = new ApiKeyIdentity(reader.GetGuid(0).ToString(), reader.GetString(1), reader.GetFieldValue<string[]>(2));
        if (remembered.Count < MaxRememberedKeys)
        {
            remembered[hashText] = new RememberedKey(found, now + RememberFor);
        }

        return found;
    }

    public async Task<CreatedApiKey> CreateAsync(string name, IReadOnlyList<string> roles, string createdBy, CancellationToken cancellationToken)
    {
        var key = KeyPrefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(KeyBytes));
        var id = Guid.CreateVersion7();
        var createdAt = clock.GetUtcNow();
        await using var command = dataSource.CreateCommand("""
            insert into ledger.api_keys (id, name, roles, key_hash, created_at, created_by) values ($1, $2, $3, $4, $5, $6)
            """);
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Uuid, Value = id });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Text, Value = name });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = roles.ToArray() });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Bytea, Value = Hash(key) });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = createdAt });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Text, Value = createdBy });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new CreatedApiKey(id, name, roles, key, createdAt);
    }

    /// <returns>False when no active key has this id.</returns>
    public async Task<bool> RevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            update ledger.api_keys set revoked_at = $2 where id = $1 and revoked_at is null
            """);
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.Uuid, Value = id });
        command.Parameters.Add(new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = clock.GetUtcNow() });
        var revoked = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        var idText = id.ToString();
        foreach (var (hashText, known) in remembered)
        {
            if (known.Identity.Id == idText)
            {
                remembered.TryRemove(hashText, out _);
            }
        }

        return revoked;
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            select id, name, roles, created_at, created_by, revoked_at from ledger.api_keys order by created_at, id
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKeyInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new ApiKeyInfo(
                reader.GetGuid(0),
                reader.GetString(1),
                reader.GetFieldValue<string[]>(2),
                reader.GetFieldValue<DateTimeOffset>(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return keys;
    }

    public async Task<bool> AnyActiveRuntimeKeyAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select exists (select 1 from ledger.api_keys where revoked_at is null)");
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private sealed record RememberedKey(ApiKeyIdentity Identity, DateTimeOffset Until);
}
