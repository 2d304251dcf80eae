namespace Berth.Core.IamPolicies;

/// <summary>
/// A policy document that IAM would refuse. <see cref="Exception.Message"/> is the exact text IAM returns in its
/// MalformedPolicyDocument error (see <see cref="PolicyErrors"/>), so callers can pass it to the client unchanged.
/// </summary>
public sealed class MalformedPolicyDocumentException : Exception
{
    public MalformedPolicyDocumentException()
        : base(PolicyErrors.SyntaxErrors)
    {
    }

    public MalformedPolicyDocumentException(string message)
        : base(message)
    {
    }

    public MalformedPolicyDocumentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
