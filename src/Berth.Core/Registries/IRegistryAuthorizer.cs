using Berth.Core.Credentials;
using Berth.Core.IamPolicies;
using Berth.Core.Naming;

namespace Berth.Core.Registries;

/// <summary>
/// The one place that decides whether a principal may act on a registry: every ECR call (on the registry its
/// <c>registryId</c> names) and every /v2/ request (on the registry its host names) asks here. Scoped: it reads the
/// repository policy of the request's registry.
/// </summary>
public interface IRegistryAuthorizer
{
    /// <summary>
    /// Throws AccessDeniedException / DENIED with AWS's wording unless <paramref name="principal"/> may perform
    /// <paramref name="action"/> (<c>ecr:BatchGetImage</c>, …) on <paramref name="resourceArn"/> in <paramref name="registry"/>.
    /// <paramref name="context"/> holds the request's own condition keys (aws:SourceIp, aws:SecureTransport).
    /// </summary>
    ValueTask AuthorizeAsync(Principal principal, RegistryIdentity registry, string action, string resourceArn, RequestContext context, CancellationToken cancellationToken);

    /// <summary>
    /// For each repository of <paramref name="registry"/> <paramref name="names"/> lists, whether <see cref="AuthorizeAsync"/>
    /// would allow <paramref name="action"/> on it, with the repository policies read in one query per batch of names
    /// rather than one per repository: a page of a listing (GET /v2/_catalog). Throws nothing for a denial.
    /// </summary>
    ValueTask<IReadOnlyList<bool>> AreAllowedAsync(
        Principal principal, RegistryIdentity registry, string action, IReadOnlyList<RepositoryName> names, RequestContext context, CancellationToken cancellationToken);

    /// <summary>
    /// Whether <see cref="AuthorizeAsync"/> would allow the request if the repository <paramref name="resourceArn"/>
    /// names had <paramref name="repositoryPolicy"/> (already validated) as its policy instead of its stored one:
    /// SetRepositoryPolicy's lock-out check. Throws nothing for a denial.
    /// </summary>
    ValueTask<bool> WouldAllowAsync(
        Principal principal, RegistryIdentity registry, string action, string resourceArn, RequestContext context, string repositoryPolicy, CancellationToken cancellationToken);

    /// <summary>
    /// Why <see cref="AuthorizeAsync"/> decides as it does: the same inputs (identity, repository and registry
    /// policies, request keys and resource tags) through the policy simulator, naming the statements that decided and
    /// every condition checked. Throws nothing for a denial.
    /// </summary>
    ValueTask<PolicySimulation.SimulationResult> ExplainAsync(
        Principal principal, RegistryIdentity registry, string action, string resourceArn, RequestContext context, CancellationToken cancellationToken);
}
