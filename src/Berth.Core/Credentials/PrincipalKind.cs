namespace Berth.Core.Credentials;

/// <summary>The kinds of caller aws:PrincipalType distinguishes (values as AWS spells them).</summary>
public enum PrincipalKind
{
    /// <summary>The account root ("Account").</summary>
    Root,

    /// <summary>An IAM user ("User").</summary>
    User,

    /// <summary>A role session from AssumeRole ("AssumedRole").</summary>
    AssumedRole,
}
