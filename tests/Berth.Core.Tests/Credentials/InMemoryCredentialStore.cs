using System.Collections.Concurrent;
using Berth.Core.Credentials;

namespace Berth.Core.Tests.Credentials;

/// <summary>A credential store for pure tests of the token service.</summary>
internal sealed class InMemoryCredentialStore : ICredentialStore
{
    private readonly ConcurrentDictionary<string, AccessKey> _keys = new();
    private readonly ConcurrentDictionary<(string, string), string> _settings = new();

    public ValueTask<AccessKey?> FindAsync(string accessKeyId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_keys.TryGetValue(accessKeyId, out var key) ? key : null);

    public ValueTask SaveAsync(AccessKey key, CancellationToken cancellationToken)
    {
        _keys[key.AccessKeyId] = key;
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> HasKeyAsync(string principalArn, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_keys.Values.Any(k => k.PrincipalArn == principalArn));

    public ValueTask<string?> GetSettingAsync(string accountId, string name, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_settings.TryGetValue((accountId, name), out var value) ? value : null);

    public ValueTask<string> GetOrAddSettingAsync(string accountId, string name, string value, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_settings.GetOrAdd((accountId, name), value));

    public ValueTask SetSettingAsync(string accountId, string name, string value, CancellationToken cancellationToken)
    {
        _settings[(accountId, name)] = value;
        return ValueTask.CompletedTask;
    }
}
