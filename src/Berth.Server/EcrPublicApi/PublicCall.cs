using Berth.Core.PublicRegistries;
using Berth.Server.EcrApi;
using Berth.Server.Registries;

namespace Berth.Server.EcrPublicApi;

/// <summary>What ECR Public handlers add to an <see cref="EcrCall"/>: the public registry and its addresses.</summary>
internal static class PublicCall
{
    /// <summary>The call's public registry (its alias, display name), read by the dispatcher.</summary>
    public static PublicRegistry PublicRegistry(this EcrCall call) => (PublicRegistry)call.Context.Items[typeof(PublicRegistry)]!;

    /// <summary>registryUri: <c>&lt;public host&gt;/&lt;alias&gt;</c>.</summary>
    public static string RegistryUri(this EcrCall call) =>
        $"{call.Service<RegistryAddresses>().PublicHostOf(call.Context.Request)}/{call.PublicRegistry().Alias}";

    /// <summary>repositoryUri: <c>&lt;public host&gt;/&lt;alias&gt;/&lt;repository&gt;</c>.</summary>
    public static string RepositoryUri(this EcrCall call, string repository) => $"{call.RegistryUri()}/{repository}";
}
