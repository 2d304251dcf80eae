using System.CommandLine;
using Berth.Core.Accounts;
using Berth.Core.Credentials;
using Berth.Storage;
using Microsoft.Extensions.Options;

namespace Berth.Server.Hosting;

/// <summary>
/// <c>berth account create &lt;id&gt; [--access-key-id ID --secret-access-key SECRET]</c> and <c>berth account list</c>:
/// operator commands on the data directory (the same configuration as <c>serve</c>; safe while a server runs, as the
/// database is shared). Exit codes: 0 done, 1 refused (malformed or existing id, key id in use), 2 cannot start.
/// </summary>
internal static class AccountCommands
{
    public static Command Create(Option<string?> data)
    {
        var id = new Argument<string>("account-id") { Description = "The 12-digit AWS account id." };
        var keyId = new Option<string?>("--access-key-id") { Description = "The root access key id to use instead of a generated one." };
        var secret = new Option<string?>("--secret-access-key") { Description = "Its secret access key." };
        var create = new Command("create", "Create an account and its root access key (printed once).") { id, keyId, secret, data };
        create.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(data), async (accounts, ct) =>
        {
            var created = await accounts.CreateAsync(parse.GetValue(id)!, parse.GetValue(keyId), parse.GetValue(secret), ct).ConfigureAwait(false);
            Console.WriteLine($"Created account {created.AccountId} (principal arn:aws:iam::{created.AccountId}:root).");
            if (created.GeneratedSecret is { } generated)
            {
                Console.WriteLine("Its root access key. The secret is shown only now:");
                Console.WriteLine($"  AWS_ACCESS_KEY_ID={created.AccessKeyId}");
                Console.WriteLine($"  AWS_SECRET_ACCESS_KEY={generated}");
            }
            else
            {
                Console.WriteLine($"Its root access key id is {created.AccessKeyId}.");
            }
        }, cancellationToken));

        var list = new Command("list", "Print the account ids, one a line.") { data };
        list.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(data), async (accounts, ct) =>
        {
            foreach (var account in await accounts.ListAsync(ct).ConfigureAwait(false))
            {
                Console.WriteLine(account);
            }
        }, cancellationToken));

        return new Command("account", "Manage the accounts this deployment hosts.") { create, list };
    }

    private static async Task<int> RunAsync(string? data, Func<AccountService, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        var app = await CommandHost.OpenAsync(data, verifyMasterKey: true, cancellationToken).ConfigureAwait(false);
        if (app is null)
        {
            return 2;
        }

        await using (app.ConfigureAwait(false))
        {
            try
            {
                await action(app.Services.GetRequiredService<AccountService>(), cancellationToken).ConfigureAwait(false);
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync($"berth: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        }
    }
}
