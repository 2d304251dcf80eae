using Berth.Core.Content;
using Berth.Core.Errors;
using Berth.Core.Naming;
using Berth.Core.Registries;

namespace Berth.Core.Replication;

/// <summary>
/// PutReplicationConfiguration, DescribeRegistry's replicationConfiguration and DescribeImageReplicationStatus for the
/// request's registry. The model checks the shapes (at most 10 rules, 100 filters per rule, the filter and region
/// patterns); this adds what ECR checks beyond them.
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutReplicationConfiguration.html
/// </summary>
public sealed class ReplicationService(IReplicationStore store, RegistryIdentity registry)
{
    /// <summary>Unique destinations across all rules (ECR's quota).</summary>
    public const int MaxDestinations = 25;

    public const int MaxRules = 10;

    public const int MaxFiltersPerRule = 100;

    public ValueTask<ReplicationConfiguration> GetConfigurationAsync(CancellationToken cancellationToken) => store.GetConfigurationAsync(cancellationToken);

    /// <summary>Validates and stores the configuration; throws InvalidParameterException and stores nothing when it is refused.</summary>
    public async ValueTask PutConfigurationAsync(ReplicationConfiguration configuration, CancellationToken cancellationToken)
    {
        Validate(configuration);
        await store.PutConfigurationAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<IReadOnlyList<ImageReplicationStatus>> ListStatusesAsync(RepositoryName repository, Digest digest, CancellationToken cancellationToken) =>
        store.ListStatusesAsync(repository, digest, cancellationToken);

    private void Validate(ReplicationConfiguration configuration)
    {
        if (configuration.Rules.Count > MaxRules)
        {
            throw Invalid($"Replication configuration can have at most {MaxRules} rules");
        }

        foreach (var rule in configuration.Rules)
        {
            if (rule.PrefixFilters.Count > MaxFiltersPerRule)
            {
                throw Invalid($"A replication rule can have at most {MaxFiltersPerRule} repository filters");
            }

            foreach (var destination in rule.Destinations)
            {
                if (!RegistryIdentity.IsValidAccountId(destination.RegistryId) || !RegistryIdentity.IsValidRegion(destination.Region))
                {
                    throw Invalid($"Replication destination region '{destination.Region}' is not a valid region");
                }

                if (destination.RegistryId == registry.AccountId && destination.Region == registry.Region)
                {
                    throw Invalid("Replication destination cannot be the same as the source registry");
                }

                // ECR: "Cross-Region replication is not supported between AWS partitions".
                if (new RegistryIdentity(destination.RegistryId, destination.Region).Partition != registry.Partition)
                {
                    throw Invalid($"Replication destination region '{destination.Region}' is not in the partition of the source registry");
                }
            }
        }

        var unique = configuration.Rules.SelectMany(r => r.Destinations).Distinct().Count();
        if (unique > MaxDestinations)
        {
            throw Invalid($"Replication configuration can have at most {MaxDestinations} unique destinations, found {unique}");
        }
    }

    private static RegistryException Invalid(string constraint) =>
        new(EcrErrors.InvalidParameter, $"Invalid parameter at 'replicationConfiguration' failed to satisfy constraint: '{constraint}'");
}
