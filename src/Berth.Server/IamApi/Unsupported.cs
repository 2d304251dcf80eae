using Berth.Core.Iam;
using Berth.Server.AwsQuery;

namespace Berth.Server.IamApi;

/// <summary>
/// Parameters Berth does not implement yet (tags on IAM entities, permissions boundaries, session policies) are
/// refused rather than ignored: ignoring them would store less than the caller asked for, or grant more.
/// </summary>
internal static class Unsupported
{
    public static void Refuse(QueryInput input, params string[] members)
    {
        foreach (var member in members)
        {
            if (input.String(member) is not null || input.List(member).Count > 0)
            {
                throw IamException.InvalidInput($"The {member} parameter is not supported by this server.");
            }
        }
    }
}
