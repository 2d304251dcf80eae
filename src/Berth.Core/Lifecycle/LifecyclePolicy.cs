using System.Text.Json;
using Berth.Core.Errors;

namespace Berth.Core.Lifecycle;

/// <summary>
/// A validated lifecycle policy: its rules in priority order. <see cref="Parse"/> applies ECR's JSON schema and its
/// rule checks, and refuses with ECR's InvalidParameterException text ("Invalid parameter at 'LifecyclePolicyText'
/// failed to satisfy constraint: 'Lifecycle policy validation failure: …'"). See
/// https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
/// </summary>
public sealed class LifecyclePolicy
{
    public const int MaxRules = 50;

    /// <summary>Archived images stay at least this long: ECR refuses rules that would expire them sooner.</summary>
    public static readonly TimeSpan MinimumArchiveDuration = TimeSpan.FromDays(90);

    private LifecyclePolicy(IReadOnlyList<LifecycleRule> rules) => Rules = rules;

    /// <summary>The rules, lowest <see cref="LifecycleRule.Priority"/> (applied first) first.</summary>
    public IReadOnlyList<LifecycleRule> Rules { get; }

    /// <summary>
    /// Parses and validates a policy text. Throws <see cref="RegistryException"/> (InvalidParameterException) with ECR's
    /// message. <paramref name="allowExpireSinceImagePulled"/> is Berth's opt-in extension: ECR allows
    /// <c>sinceImagePulled</c> only with the transition action.
    /// </summary>
    public static LifecyclePolicy Parse(string text, bool allowExpireSinceImagePulled = false)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            throw Invalid("Could not map policyString into LifecyclePolicy.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("Could not map policyString into LifecyclePolicy.");
            }

            LifecyclePolicySchema.CheckObject(root, ["rules"], ["rules"]);
            var rulesElement = root.GetProperty("rules");
            LifecyclePolicySchema.CheckType(rulesElement, JsonValueKind.Array);
            var count = rulesElement.GetArrayLength();
            if (count == 0)
            {
                throw Invalid("array is too short: must have at least 1 elements but instance has 0 elements");
            }

            if (count > MaxRules)
            {
                throw Invalid($"array is too long: must have at most {MaxRules} elements but instance has {count} elements");
            }

            var rules = rulesElement.EnumerateArray().Select(LifecyclePolicySchema.ReadRule).ToList();
            LifecyclePolicyRules.Check(rules, allowExpireSinceImagePulled);
            return new LifecyclePolicy([.. rules.OrderBy(r => r.Priority)]);
        }
    }

    /// <summary>ECR's refusal of a lifecycle policy text, with the validation failure's detail.</summary>
    public static RegistryException Invalid(string detail) =>
        new(EcrErrors.InvalidParameter, $"Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: {detail}'");
}
