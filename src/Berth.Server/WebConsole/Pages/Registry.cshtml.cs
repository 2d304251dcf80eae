using Berth.Core.IamPolicies;
using Berth.Core.PublicRegistries;
using Berth.Core.Registries;
using Berth.Core.Replication;
using Berth.Server.Registries;

namespace Berth.Server.WebConsole.Pages;

/// <summary>
/// The caller's registries: the private registry (account, region, its host, its replication rules) authorized as
/// DescribeRegistry, and the account's public registry with its alias authorized as ecr-public:DescribeRegistries.
/// </summary>
internal sealed class RegistryModel : ConsolePageModel
{
    public ReplicationConfiguration? Replication { get; private set; }

    public PublicRegistry? Public { get; private set; }

    public string? PublicNote { get; private set; }

    public string PublicHost { get; private set; } = "";

    public async Task OnGetAsync()
    {
        if (await DeniedAsync(EcrActions.DescribeRegistry, "*").ConfigureAwait(false) is not null)
        {
            return;
        }

        Replication = await Service<ReplicationService>().GetConfigurationAsync(Aborted).ConfigureAwait(false);
        if (await AllowsAsync(EcrPublicActions.DescribeRegistries, "*", RegistryIdentity.Public(Registry.AccountId)).ConfigureAwait(false))
        {
            Public = await Service<PublicRegistryService>().GetAsync(Registry.AccountId, Aborted).ConfigureAwait(false);
            PublicHost = Service<RegistryAddresses>().PublicHostOf(Request);
        }
        else
        {
            PublicNote = $"You may not see it ({EcrPublicActions.DescribeRegistries}).";
        }
    }
}
