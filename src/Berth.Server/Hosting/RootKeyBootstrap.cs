using Berth.Core.Accounts;
using Berth.Core.Credentials;
using Microsoft.Extensions.Options;

namespace Berth.Server.Hosting;

/// <summary>
/// At start: refuses a master key that does not open this database (<see cref="MasterKeyCheck"/>), makes sure the default account (Berth:AccountId) exists, imports BERTH_ROOT_ACCESS_KEY_ID / BERTH_ROOT_SECRET_ACCESS_KEY as the account root's key, or creates a
/// root key on first start and prints it once (the only time the secret is shown; it is never logged).
/// Berth:RootAccessKeyId / Berth:RootSecretAccessKey do the same as the variables, for a test host or a secrets mount.
/// </summary>
internal sealed class RootKeyBootstrap(AccountService accounts, MasterKeyCheck masterKey, IOptions<BerthOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await masterKey.VerifyAsync(options.Value.AccountId, "Berth:MasterKey", cancellationToken).ConfigureAwait(false);
        var created = await accounts.EnsureDefaultAsync(
            options.Value.AccountId,
            Environment.GetEnvironmentVariable("BERTH_ROOT_ACCESS_KEY_ID") ?? options.Value.RootAccessKeyId,
            Environment.GetEnvironmentVariable("BERTH_ROOT_SECRET_ACCESS_KEY") ?? options.Value.RootSecretAccessKey,
            cancellationToken).ConfigureAwait(false);
        if (created is { } key)
        {
            Console.WriteLine("Created the root access key of this registry's account. The secret is shown only now:");
            Console.WriteLine($"  AWS_ACCESS_KEY_ID={key.AccessKeyId}");
            Console.WriteLine($"  AWS_SECRET_ACCESS_KEY={key.Secret}");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
