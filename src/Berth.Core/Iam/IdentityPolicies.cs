using Berth.Core.Credentials;

namespace Berth.Core.Iam;

/// <summary>
/// The identity policy documents (JSON text) that apply to a principal, read fresh on every call: for a user its
/// inline policies, its attached managed policies (default versions), and the inline and attached policies of each
/// of its groups; for a role session the role's inline and attached policies; for the account root none (root is
/// allowed everything in its account by definition).
/// </summary>
public sealed class IdentityPolicies(IIamEntityStore entities, IamPolicyService policies)
{
    public async ValueTask<IReadOnlyList<string>> GetDocumentsAsync(Principal principal, CancellationToken cancellationToken) =>
        [.. (await GetSourcesAsync(principal, cancellationToken).ConfigureAwait(false)).Select(s => s.Document)];

    /// <summary>As <see cref="GetDocumentsAsync"/>, with each policy's name and kind.</summary>
    public async ValueTask<IReadOnlyList<IdentityPolicySource>> GetSourcesAsync(Principal principal, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(principal);
        IamEntity? entity = principal.Kind switch
        {
            PrincipalKind.User => await entities.FindAsync(principal.AccountId, IamEntityKind.User, principal.UserName!, cancellationToken).ConfigureAwait(false),
            PrincipalKind.AssumedRole => await entities.FindByArnAsync(principal.RoleArn!, cancellationToken).ConfigureAwait(false),
            _ => null,
        };
        return entity is null ? [] : await GetSourcesAsync(entity, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The same documents for an entity (a user with its groups', a group, a role), each with the name and kind the
    /// policy simulator reports (IAM's SourcePolicyId and SourcePolicyType), in the order the authorizer reads them.
    /// </summary>
    public async ValueTask<IReadOnlyList<IdentityPolicySource>> GetSourcesAsync(IamEntity entity, CancellationToken cancellationToken)
    {
        var sources = new List<IdentityPolicySource>();
        await AddAsync(entity, sources, cancellationToken).ConfigureAwait(false);
        if (entity.Kind == IamEntityKind.User)
        {
            foreach (var group in await entities.ListGroupsForUserAsync(entity, cancellationToken).ConfigureAwait(false))
            {
                await AddAsync(group, sources, cancellationToken).ConfigureAwait(false);
            }
        }

        return sources;
    }

    private async ValueTask AddAsync(IamEntity entity, List<IdentityPolicySource> sources, CancellationToken cancellationToken)
    {
        var inlineType = entity.Kind switch { IamEntityKind.User => "user", IamEntityKind.Group => "group", _ => "role" };
        sources.AddRange((await entities.ListInlinePoliciesAsync(entity, cancellationToken).ConfigureAwait(false))
            .Select(p => new IdentityPolicySource(p.Name, inlineType, p.Document)));
        foreach (var (name, arn) in await policies.ListAttachedAsync(entity, cancellationToken).ConfigureAwait(false))
        {
            if (await policies.FindDefaultDocumentAsync(arn, cancellationToken).ConfigureAwait(false) is { } document)
            {
                sources.Add(new IdentityPolicySource(name, arn.StartsWith("arn:aws:iam::aws:", StringComparison.Ordinal) ? "aws-managed" : "user-managed", document));
            }
        }
    }
}
