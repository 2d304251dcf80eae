namespace Berth.Core.Lifecycle;

/// <summary>
/// Applies a lifecycle policy to a repository's images, as ECR's evaluator does
/// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html#lp_evaluation_rules): every rule sees
/// the images that meet its tag and storage-class requirements; rules are applied by priority; an image is acted on by
/// at most one rule, and never by a rule of lower priority than one whose requirements it meets (that rule may keep
/// it); imageCountMoreThan keeps the N most recently pushed and acts on the rest; since* rules act on images older than
/// N days by push, last pull (push when never pulled) or archive time. An image an index lists is not acted on while
/// the index stays, and an archived image is not expired before <see cref="LifecyclePolicy.MinimumArchiveDuration"/>.
/// Pure: the same policy, images and time give the same decisions (preview and evaluation share it).
/// </summary>
public static class LifecycleEvaluator
{
    /// <summary>The decisions, oldest image first (push time, then digest).</summary>
    public static IReadOnlyList<LifecycleDecision> Evaluate(LifecyclePolicy policy, IReadOnlyList<LifecycleImage> images, DateTimeOffset now)
    {
        var seen = new HashSet<LifecycleImage>();
        var decisions = new List<LifecycleDecision>();
        foreach (var rule in policy.Rules)
        {
            var matching = images.Where(rule.Selection.Matches).ToList();
            foreach (var image in Selected(rule.Selection, matching, now))
            {
                if (!seen.Contains(image) && !image.ReferencedByIndex && !TooRecentlyArchived(rule, image, now))
                {
                    decisions.Add(new LifecycleDecision(image, rule));
                }
            }

            seen.UnionWith(matching);
        }

        return [.. decisions.OrderBy(d => d.Image.PushedAt).ThenBy(d => d.Image.Digest.ToString(), StringComparer.Ordinal)];
    }

    private static IEnumerable<LifecycleImage> Selected(LifecycleSelection selection, List<LifecycleImage> matching, DateTimeOffset now)
    {
        var limit = now - TimeSpan.FromDays(selection.CountNumber);
        return selection.CountType switch
        {
            LifecycleCountType.ImageCountMoreThan => matching
                .OrderByDescending(i => i.PushedAt).ThenByDescending(i => i.Digest.ToString(), StringComparer.Ordinal)
                .Skip(selection.CountNumber),
            LifecycleCountType.SinceImagePushed => matching.Where(i => i.PushedAt < limit),
            LifecycleCountType.SinceImagePulled => matching.Where(i => (i.LastPulledAt ?? i.PushedAt) < limit),
            _ => matching.Where(i => i.ArchivedAt is { } archived && archived < limit),
        };
    }

    private static bool TooRecentlyArchived(LifecycleRule rule, LifecycleImage image, DateTimeOffset now) =>
        rule.Action == LifecycleActionType.Expire && image.Status == ImageStatus.Archived
        && (image.ArchivedAt is not { } archived || now - archived < LifecyclePolicy.MinimumArchiveDuration);
}
