namespace Berth.Core.Images;

/// <summary>ECR's tagStatus filter of ListImages and DescribeImages.</summary>
public enum TagStatus
{
    Any,
    Tagged,
    Untagged,
}
