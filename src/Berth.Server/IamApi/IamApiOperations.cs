using Berth.Server.AwsQuery;

namespace Berth.Server.IamApi;

/// <summary>The IAM API (Query protocol, signing name <c>iam</c>): every implemented operation, by group.</summary>
internal static class IamApiOperations
{
    public static QueryService Create()
    {
        var operations = new Dictionary<string, Func<QueryCall, Task>>(StringComparer.Ordinal);
        UserOperations.Register(operations);
        AccessKeyOperations.Register(operations);
        GroupOperations.Register(operations);
        InlinePolicyOperations.Register(operations);
        ManagedPolicyOperations.Register(operations);
        AttachmentOperations.Register(operations);
        RoleOperations.Register(operations);
        SimulationOperations.Register(operations);
        return new QueryService("iam", QueryModel.Load("iam-2010-05-08"), operations);
    }
}
