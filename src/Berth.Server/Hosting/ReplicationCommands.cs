using System.CommandLine;
using System.Globalization;
using System.Text;
using Berth.Core.Credentials;
using Berth.Core.Registries;
using Berth.Core.Replication;
using Berth.Storage;
using Microsoft.Extensions.Options;

namespace Berth.Server.Hosting;

/// <summary>
/// <c>berth replication …</c>, Berth's extensions to ECR replication, on the deployment's database (safe while servers
/// run): <c>destination add|list|remove</c> for registries outside the deployment (the secret sealed with the master
/// key), <c>backfill</c> to queue images pushed before the configuration, <c>status</c> for the outbox per destination
/// and its newest rows. Exit codes: 0 done, 1 refused (bad or duplicate name, bad endpoint, unknown destination), 2
/// cannot start.
/// </summary>
internal static class ReplicationCommands
{
    public static Command Create(Option<string?> data)
    {
        var root = new Command("replication", "Replication beyond ECR's API: remote destinations, backfill, status.")
        {
            Destination(data), Backfill(data), Status(data),
        };
        return root;
    }

    private static Command Destination(Option<string?> data)
    {
        var name = new Argument<string>("name") { Description = "The destination's name (letters, digits, '.', '_', '-')." };
        var endpoint = new Option<string>("--endpoint") { Description = "The registry's base URL, e.g. https://registry.example.com.", Required = true };
        var account = new Option<string?>("--account") { Description = "The source registry's account (default Berth:AccountId)." };
        var region = new Option<string?>("--region") { Description = "The source registry's region (default Berth:Region)." };
        var prefixes = new Option<string[]>("--repository-prefix") { Description = "Replicate repositories whose name starts with this (repeatable; default all).", AllowMultipleArgumentsPerToken = false };
        var username = new Option<string?>("--username") { Description = "Basic authentication: the user name." };
        var password = new Option<string?>("--password") { Description = "Basic authentication: the password (prefer --secret-stdin)." };
        var keyId = new Option<string?>("--access-key-id") { Description = "A Berth (ECR-style) destination: the access key id, exchanged for a GetAuthorizationToken token." };
        var secretKey = new Option<string?>("--secret-access-key") { Description = "Its secret access key (prefer --secret-stdin)." };
        var stdin = new Option<bool>("--secret-stdin") { Description = "Read the password or secret access key from the first line of standard input." };
        var signingRegion = new Option<string?>("--signing-region") { Description = "With --access-key-id: the region to sign for (default the source region)." };
        var add = new Command("add", "Add a destination outside this deployment; pushes from then on are replicated to it.")
        {
            name, endpoint, account, region, prefixes, username, password, keyId, secretKey, stdin, signingRegion, data,
        };
        add.SetAction((parse, ct) => RunAsync(parse.GetValue(data), async (services, options) =>
        {
            var destination = await BuildAsync(
                parse.GetValue(name)!, parse.GetValue(endpoint)!, new RegistryIdentity(parse.GetValue(account) ?? options.AccountId, parse.GetValue(region) ?? options.Region),
                parse.GetValue(prefixes) ?? [], parse.GetValue(username), parse.GetValue(password), parse.GetValue(keyId), parse.GetValue(secretKey),
                parse.GetValue(stdin), parse.GetValue(signingRegion), services.GetRequiredService<SecretProtector>()).ConfigureAwait(false);
            if (!await services.GetRequiredService<IRemoteDestinationStore>().AddAsync(destination, ct).ConfigureAwait(false))
            {
                throw new ArgumentException($"A destination named '{destination.Name}' exists already; remove it first.");
            }

            Console.WriteLine($"Added {destination.Name}: {destination.Source.AccountId}/{destination.Source.Region} -> {destination.Endpoint} ({Describe(destination)}).");
        }, ct));

        var list = new Command("list", "Print the remote destinations (never their secrets).") { data };
        list.SetAction((parse, ct) => RunAsync(parse.GetValue(data), async (services, _) =>
        {
            foreach (var d in await services.GetRequiredService<IRemoteDestinationStore>().ListAsync(ct).ConfigureAwait(false))
            {
                Console.WriteLine($"{d.Name}\t{d.Endpoint}\t{d.Source.AccountId}/{d.Source.Region}\t{(d.RepositoryPrefixes.Count == 0 ? "*" : string.Join(',', d.RepositoryPrefixes))}\t{Describe(d)}");
            }
        }, ct));

        var removed = new Argument<string>("name") { Description = "The destination's name." };
        var remove = new Command("remove", "Remove a remote destination; its queued replications fail with DESTINATION_REMOVED.") { removed, data };
        remove.SetAction((parse, ct) => RunAsync(parse.GetValue(data), async (services, _) =>
        {
            if (!await services.GetRequiredService<IRemoteDestinationStore>().RemoveAsync(parse.GetValue(removed)!, ct).ConfigureAwait(false))
            {
                throw new ArgumentException($"No destination is named '{parse.GetValue(removed)}'.");
            }

            Console.WriteLine($"Removed {parse.GetValue(removed)}.");
        }, ct));

        return new Command("destination", "Manage destinations outside this deployment (another Berth, any OCI registry).") { add, list, remove };
    }

    private static Command Backfill(Option<string?> data)
    {
        var account = new Option<string?>("--account") { Description = "The source registry's account (default Berth:AccountId)." };
        var region = new Option<string?>("--region") { Description = "The source registry's region (default Berth:Region)." };
        var prefixes = new Option<string[]>("--repository-prefix") { Description = "Only repositories whose name starts with this (repeatable; default all)." };
        var destination = new Option<string?>("--destination") { Description = "Only this destination: a remote destination's name, or ACCOUNT/REGION." };
        var command = new Command("backfill", "Queue the images already in a registry for its replication destinations (through the same outbox as pushes).")
        {
            account, region, prefixes, destination, data,
        };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(data), async (services, options) =>
        {
            var source = new RegistryIdentity(parse.GetValue(account) ?? options.AccountId, parse.GetValue(region) ?? options.Region);
            var queued = await services.GetRequiredService<IReplicationMaintenance>()
                .BackfillAsync(source, parse.GetValue(prefixes) ?? [], parse.GetValue(destination), ct).ConfigureAwait(false);
            Console.WriteLine($"Queued {queued} replications from {source.AccountId}/{source.Region}.");
        }, ct));
        return command;
    }

    private static Command Status(Option<string?> data)
    {
        var destination = new Option<string?>("--destination") { Description = "Only this destination: a remote destination's name, or ACCOUNT/REGION." };
        var limit = new Option<int>("--limit") { Description = "How many of the newest replications to list (default 20).", DefaultValueFactory = _ => 20 };
        var command = new Command("status", "Print the outbox per destination and its newest replications with their status and reason.") { destination, limit, data };
        command.SetAction((parse, ct) => RunAsync(parse.GetValue(data), async (services, _) =>
        {
            var maintenance = services.GetRequiredService<IReplicationMaintenance>();
            foreach (var s in await maintenance.ListStatsAsync(ct).ConfigureAwait(false))
            {
                if (parse.GetValue(destination) is null || parse.GetValue(destination) == s.Destination)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{s.Destination}: {s.Queued} queued, {s.InFlight} in flight, {s.Completed} completed, {s.Failed} failed, oldest queued {(s.OldestQueuedAge ?? TimeSpan.Zero).TotalSeconds:0.#} s ago"));
                }
            }

            foreach (var r in await maintenance.ListRecentAsync(parse.GetValue(destination), Math.Clamp(parse.GetValue(limit), 1, 1000), ct).ConfigureAwait(false))
            {
                var status = r.Status switch { ReplicationStatus.Complete => "COMPLETE", ReplicationStatus.Failed => "FAILED", _ => "IN_PROGRESS" };
                var reason = r.FailureReason is null ? string.Empty : $" {r.FailureCode} {r.FailureReason}".TrimEnd();
                Console.WriteLine($"{r.Id}\t{r.Source.AccountId}/{r.Source.Region}/{r.Repository}@{r.Digest}{(r.Tag is null ? string.Empty : ":" + r.Tag)}\t{r.Destination}\t{status}\t{r.Attempts}\t{reason.Trim()}");
            }
        }, ct));
        return command;
    }

    private static async Task<RemoteDestination> BuildAsync(
        string name, string endpointText, RegistryIdentity source, string[] prefixes, string? username, string? password, string? keyId, string? secretKey,
        bool secretFromStdin, string? signingRegion, SecretProtector protector)
    {
        if (!RemoteDestination.IsValidName(name))
        {
            throw new ArgumentException($"'{name}' is not a valid destination name: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https")
            || !string.IsNullOrEmpty(endpoint.Query) || !string.IsNullOrEmpty(endpoint.Fragment) || !string.IsNullOrEmpty(endpoint.UserInfo))
        {
            throw new ArgumentException($"--endpoint '{endpointText}' is not an http:// or https:// URL without query or credentials.");
        }

        if (!RegistryIdentity.IsValidAccountId(source.AccountId) || !RegistryIdentity.IsValidRegion(source.Region))
        {
            throw new ArgumentException($"'{source.AccountId}/{source.Region}' is not a valid account and region.");
        }

        if (prefixes.Any(p => p.Length == 0))
        {
            throw new ArgumentException("--repository-prefix cannot be empty.");
        }

        if (username is not null && keyId is not null)
        {
            throw new ArgumentException("Give --username (Basic) or --access-key-id (ECR-style), not both.");
        }

        if (secretFromStdin)
        {
            var line = await Console.In.ReadLineAsync().ConfigureAwait(false);
            password = username is not null ? line : password;
            secretKey = keyId is not null ? line : secretKey;
        }

        var (authentication, user, secret) = (username, keyId) switch
        {
            (not null, _) => (RemoteAuthentication.Basic, username, password ?? throw new ArgumentException("--username needs --password or --secret-stdin.")),
            (_, not null) => (RemoteAuthentication.Ecr, keyId, secretKey ?? throw new ArgumentException("--access-key-id needs --secret-access-key or --secret-stdin.")),
            _ => (RemoteAuthentication.None, null, null),
        };
        if (authentication != RemoteAuthentication.Ecr && signingRegion is not null)
        {
            throw new ArgumentException("--signing-region goes with --access-key-id.");
        }

        if (authentication == RemoteAuthentication.None && (password is not null || secretKey is not null))
        {
            throw new ArgumentException("A password or secret access key needs --username or --access-key-id.");
        }

        // Relative URLs resolve under the endpoint's path: it must end with '/'.
        var normalized = new Uri(endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/");
        var sealedSecret = secret is null ? null : protector.Protect(Encoding.UTF8.GetBytes(secret));
        return new RemoteDestination(name, normalized, source, prefixes, authentication, user, sealedSecret, signingRegion);
    }

    private static string Describe(RemoteDestination d) => d.Authentication switch
    {
        RemoteAuthentication.Basic => $"basic as {d.Username}",
        RemoteAuthentication.Ecr => $"ECR token for {d.Username}",
        _ => "no credentials",
    };

    private static async Task<int> RunAsync(string? data, Func<IServiceProvider, BerthOptions, Task> action, CancellationToken cancellationToken)
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
                await action(app.Services, app.Services.GetRequiredService<IOptions<BerthOptions>>().Value).ConfigureAwait(false);
                return 0;
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"berth: {e.Message}").ConfigureAwait(false);
                return 1;
            }
        }
    }
}
