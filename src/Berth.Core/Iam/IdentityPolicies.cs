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
    public async ValueTask<IReadOnlyList<string>> GetDocumentsAsync(Principal principal, CancellationToken cancellationToken)
    {
        IamEntity? entity = principal.Kind switch
        {
            PrincipalKind.User => await entities.FindAsync(principal.AccountId, IamEntityKind.User, principal.UserName!, cancellationToken).ConfigureAwait(false),
            PrincipalKind.AssumedRole => await entities.FindByArnAsync(principal.RoleArn!, cancellationToken).ConfigureAwait(false),
            _ => null,
        };
        if (entity is null)
        {
            return [];
        }

        var documents = new List<string>();
        await AddAsync(entity, documents, cancellationToken).ConfigureAwait(false);
        if (entity.Kind == IamEntityKind.User)
        {
            foreach (var group in await entities.ListGroupsForUserAsync(entity, cancellationToken).ConfigureAwait(false))
            {
                await AddAsync(group, documents, cancellationToken).ConfigureAwait(false);
            }
        }

        return documents;
    }

    private async ValueTask AddAsync(IamEntity entity, List<string> documents, CancellationToken cancellationToken)
    {
        documents.AddRange((await entities.ListInlinePoliciesAsync(entity, cancellationToken).ConfigureAwait(false)).Select(p => p.Document));
        foreach (var (_, arn) in await policies.ListAttachedAsync(entity, cancellationToken).ConfigureAwait(false))
        {
            if (await policies.FindDefaultDocumentAsync(arn, cancellationToken).ConfigureAwait(false) is { } document)
            {
                documents.Add(document);
            }
        }
    }
}
