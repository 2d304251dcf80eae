namespace Berth.Core.Lifecycle;

/// <summary>
/// ECR's checks beyond the schema, on one rule and across the rules of a policy, with ECR's wording where it is known
/// ("Only one rule can select Untagged images per storage class.", "Rule for tagStatus=ANY must have the lowest
/// priority per storage class.", "Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED.").
/// </summary>
internal static class LifecyclePolicyRules
{
    public static void CheckRule(LifecycleRule rule, bool hasPrefixes, bool hasPatterns, bool hasCountUnit, bool hasTarget)
    {
        var selection = rule.Selection;
        if (selection.TagStatus == LifecycleTagStatus.Tagged && !hasPrefixes && !hasPatterns)
        {
            throw LifecyclePolicy.Invalid("Must specify tagPrefixList or tagPatternList when tagStatus=TAGGED.");
        }

        if (selection.TagStatus != LifecycleTagStatus.Tagged && (hasPrefixes || hasPatterns))
        {
            throw LifecyclePolicy.Invalid("tagPrefixList and tagPatternList can only be specified when tagStatus=TAGGED.");
        }

        if (hasPrefixes && hasPatterns)
        {
            throw LifecyclePolicy.Invalid("tagPrefixList and tagPatternList cannot both be specified in one rule.");
        }

        if (selection.TagPatterns.Any(p => p.Count(c => c == '*') > TagPattern.MaxWildcards))
        {
            throw LifecyclePolicy.Invalid($"A tagPatternList entry can contain at most {TagPattern.MaxWildcards} wildcards (*).");
        }

        var since = selection.CountType != LifecycleCountType.ImageCountMoreThan;
        if (since && !hasCountUnit)
        {
            throw LifecyclePolicy.Invalid("object has missing required properties ([\"countUnit\"])");
        }

        if (!since && hasCountUnit)
        {
            throw LifecyclePolicy.Invalid("countUnit can only be specified when countType is sinceImagePushed, sinceImagePulled or sinceImageTransitioned.");
        }

        if (rule.Action == LifecycleActionType.Transition && !hasTarget)
        {
            throw LifecyclePolicy.Invalid("object has missing required properties ([\"targetStorageClass\"])");
        }

        if (rule.Action == LifecycleActionType.Expire && hasTarget)
        {
            throw LifecyclePolicy.Invalid("targetStorageClass can only be specified when action type is transition.");
        }

        if (selection.StorageClass == ImageStorageClass.Archive)
        {
            CheckArchiveRule(rule);
        }
        else if (selection.CountType == LifecycleCountType.SinceImageTransitioned)
        {
            throw LifecyclePolicy.Invalid("countType sinceImageTransitioned can only be used with storageClass archive.");
        }
    }

    public static void Check(IReadOnlyList<LifecycleRule> rules, bool allowExpireSinceImagePulled)
    {
        if (rules.GroupBy(r => r.Priority).Any(g => g.Count() > 1))
        {
            throw LifecyclePolicy.Invalid("The rulePriority of each rule must be unique.");
        }

        foreach (var rule in rules)
        {
            if (rule.Selection.CountType == LifecycleCountType.SinceImagePulled && rule.Action == LifecycleActionType.Expire && !allowExpireSinceImagePulled)
            {
                throw LifecyclePolicy.Invalid("countType sinceImagePulled can only be used with action type transition.");
            }
        }

        foreach (var storageClass in rules.GroupBy(r => r.Selection.StorageClass))
        {
            if (storageClass.Count(r => r.Selection.TagStatus == LifecycleTagStatus.Untagged) > 1)
            {
                throw LifecyclePolicy.Invalid("Only one rule can select Untagged images per storage class.");
            }

            var last = storageClass.MaxBy(r => r.Priority)!;
            if (storageClass.Any(r => r.Selection.TagStatus == LifecycleTagStatus.Any && r != last))
            {
                throw LifecyclePolicy.Invalid("Rule for tagStatus=ANY must have the lowest priority per storage class.");
            }
        }
    }

    // Archived images cannot be pulled, cannot be archived again and stay in the archive at least 90 days.
    private static void CheckArchiveRule(LifecycleRule rule)
    {
        if (rule.Action != LifecycleActionType.Expire)
        {
            throw LifecyclePolicy.Invalid("Rules for storageClass archive can only expire images.");
        }

        switch (rule.Selection.CountType)
        {
            case LifecycleCountType.SinceImagePulled:
                throw LifecyclePolicy.Invalid("countType sinceImagePulled cannot be used with storageClass archive.");
            case LifecycleCountType.SinceImageTransitioned when rule.Selection.CountNumber < LifecyclePolicy.MinimumArchiveDuration.TotalDays:
                throw LifecyclePolicy.Invalid($"Images in storageClass archive can only be expired after {LifecyclePolicy.MinimumArchiveDuration.TotalDays} days in archive.");
        }
    }
}
