using System.Text.RegularExpressions;
using Berth.Core.Credentials;
using Berth.Core.Iam;
using Berth.Core.IamPolicies;

namespace Berth.Core.PolicySimulation;

/// <summary>
/// IAM's SimulatePrincipalPolicy and SimulateCustomPolicy: builds the <see cref="SimulationRequest"/> (the entity's
/// policies as the live authorizer reads them, the given ones, the simulated caller) and runs
/// <see cref="PolicySimulator"/>. Invalid input throws <see cref="IamException"/> (InvalidInput, NoSuchEntity).
/// </summary>
public sealed partial class PolicySimulationService(IIamEntityStore entities, IdentityPolicies identityPolicies, PolicySimulator simulator)
{
    /// <summary>Simulates the policies of the user, group or role <paramref name="policySourceArn"/> (a user's include its groups').</summary>
    public async ValueTask<IReadOnlyList<SimulationResult>> SimulatePrincipalAsync(
        Principal caller, string policySourceArn, SimulationInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        var (kind, name) = ParseEntityArn(policySourceArn)
            ?? throw IamException.InvalidInput($"Invalid ARN {policySourceArn}: PolicySourceArn must be the ARN of a user, group or role.");
        var entity = await entities.FindByArnAsync(policySourceArn, cancellationToken).ConfigureAwait(false);
        if (entity is null || entity.AccountId != caller.AccountId)
        {
            throw IamException.NoSuchEntity(kind, name);
        }

        var sources = await identityPolicies.GetSourcesAsync(entity, cancellationToken).ConfigureAwait(false);
        var policies = sources.Select(s => new SimulationPolicy(s.Name, s.SourceType, s.Document, Parse(s.Document, PolicyDocumentKind.Identity, s.Name)))
            .Concat(Inputs(input.PolicyInputs)).ToList();
        var principal = input.CallerArn is not null
            ? await CallerAsync(input.CallerArn, cancellationToken).ConfigureAwait(false)
            : entity.Kind switch
            {
                IamEntityKind.User => RequestPrincipal.User(entity.AccountId, entity.Name, entity.Id, entity.Path),
                // A role's policies are simulated for a session of it; a group's for a member without policies of its own.
                IamEntityKind.Role => new RequestPrincipal(PrincipalType.AssumedRole, entity.Arn, entity.AccountId, UserId: entity.Id, RoleArn: entity.Arn),
                _ => new RequestPrincipal(PrincipalType.User, entity.Arn, entity.AccountId, UserId: entity.Id),
            };
        if (input.ResourcePolicy is not null && input.CallerArn is null && entity.Kind != IamEntityKind.User)
        {
            throw IamException.InvalidInput("CallerArn is required when a ResourcePolicy is given and the PolicySourceArn is not a user.");
        }

        return Simulate(principal, policies, input, caller.AccountId);
    }

    /// <summary>Simulates only the given policies, for CallerArn (or, without one, a user named after the API caller).</summary>
    public async ValueTask<IReadOnlyList<SimulationResult>> SimulateCustomAsync(Principal caller, SimulationInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(input);
        if (input.ResourcePolicy is not null && input.CallerArn is null)
        {
            throw IamException.InvalidInput("CallerArn is required when a ResourcePolicy is given.");
        }

        var principal = input.CallerArn is not null
            ? await CallerAsync(input.CallerArn, cancellationToken).ConfigureAwait(false)
            : new RequestPrincipal(PrincipalType.User, caller.Arn, caller.AccountId, caller.UserName, caller.UniqueId);
        return Simulate(principal, Inputs(input.PolicyInputs), input, caller.AccountId);
    }

    private IReadOnlyList<SimulationResult> Simulate(RequestPrincipal principal, IReadOnlyList<SimulationPolicy> policies, SimulationInput input, string account)
    {
        var resourcePolicy = input.ResourcePolicy is null ? null
            : new SimulationPolicy("ResourcePolicy", "resource", input.ResourcePolicy, Parse(input.ResourcePolicy, PolicyDocumentKind.Resource, "ResourcePolicy"));
        var owner = input.ResourceOwner is null ? principal.AccountId.Length > 0 ? principal.AccountId : account : OwnerAccount(input.ResourceOwner);
        return simulator.Simulate(new SimulationRequest(principal, input.Actions, input.Resources, policies, resourcePolicy, owner, input.Context));
    }

    private static List<SimulationPolicy> Inputs(IReadOnlyList<string> texts) =>
        [.. texts.Select((t, i) => new SimulationPolicy($"PolicyInputList.{i + 1}", "none", t, Parse(t, PolicyDocumentKind.Identity, $"PolicyInputList.{i + 1}")))];

    private async ValueTask<RequestPrincipal> CallerAsync(string callerArn, CancellationToken cancellationToken)
    {
        if (ParseEntityArn(callerArn) is not (IamEntityKind.User, var name))
        {
            throw IamException.InvalidInput($"Invalid CallerArn {callerArn}: only the ARN of an IAM user can be the simulated caller.");
        }

        var account = callerArn.Split(':')[4];
        var user = await entities.FindByArnAsync(callerArn, cancellationToken).ConfigureAwait(false);
        return new RequestPrincipal(PrincipalType.User, callerArn, account, name, user?.Id);
    }

    private static PolicyDocument Parse(string text, PolicyDocumentKind kind, string id)
    {
        try
        {
            return PolicyDocument.Parse(text, kind);
        }
        catch (MalformedPolicyDocumentException e)
        {
            throw IamException.InvalidInput($"{id}: {e.Message}");
        }
    }

    private static string OwnerAccount(string owner)
    {
        var match = OwnerPattern().Match(owner);
        return match.Success ? match.Groups[1].Value : throw IamException.InvalidInput($"Invalid ResourceOwner {owner}: give an account id or its root ARN.");
    }

    /// <summary>The kind and name of <c>arn:aws:iam::123456789012:user/path/name</c> (group/, role/), or null.</summary>
    private static (IamEntityKind Kind, string Name)? ParseEntityArn(string arn)
    {
        var match = EntityArnPattern().Match(arn);
        if (!match.Success)
        {
            return null;
        }

        var kind = match.Groups[1].Value switch { "user" => IamEntityKind.User, "group" => IamEntityKind.Group, _ => IamEntityKind.Role };
        var path = match.Groups[2].Value;
        return (kind, path[(path.LastIndexOf('/') + 1)..]);
    }

    [GeneratedRegex(@"\Aarn:aws:iam::[0-9]{12}:(user|group|role)(/(?:[^/]+/)*[^/]+)\z")]
    private static partial Regex EntityArnPattern();

    [GeneratedRegex(@"\A(?:arn:aws:iam::)?([0-9]{12})(?::root)?\z")]
    private static partial Regex OwnerPattern();
}
