using Berth.Core.Iam;
using Berth.Server.AwsQuery;
using Berth.Server.IamApi;

namespace Berth.Server.StsApi;

/// <summary>
/// The STS API (Query protocol, signing name <c>sts</c>): GetCallerIdentity (needs no permission, as in AWS) and
/// AssumeRole. The installed sts/2011-06-15 model has no GetServiceBearerToken, so it is not offered.
/// </summary>
internal static class StsOperations
{
    public static QueryService Create()
    {
        var operations = new Dictionary<string, Func<QueryCall, Task>>(StringComparer.Ordinal)
        {
            ["GetCallerIdentity"] = GetCallerIdentityAsync,
            ["AssumeRole"] = AssumeRoleAsync,
        };
        return new QueryService("sts", QueryModel.Load("sts-2011-06-15"), operations);
    }

    private static Task GetCallerIdentityAsync(QueryCall call) =>
        call.RespondAsync(new QueryOutput
        {
            ["UserId"] = call.Principal.UniqueId,
            ["Account"] = call.Principal.AccountId,
            ["Arn"] = call.Principal.Arn,
        });

    private static async Task AssumeRoleAsync(QueryCall call)
    {
        var context = call.RequestContext();
        if (call.Input.String("ExternalId") is { } externalId)
        {
            context.Set("sts:ExternalId", externalId);
        }

        Unsupported.Refuse(call.Input, "Policy", "PolicyArns", "Tags", "TransitiveTagKeys", "SerialNumber", "TokenCode", "SourceIdentity", "ProvidedContexts");
        var roleArn = call.Input.Required("RoleArn");
        AssumedRoleCredentials credentials;
        try
        {
            credentials = await call.Service<RoleSessionService>().AssumeRoleAsync(
                call.Principal, roleArn, call.Input.Required("RoleSessionName"), call.Input.Int("DurationSeconds"), context, call.Aborted).ConfigureAwait(false);
        }
        catch (IamException e) when (e.Code == "AccessDenied")
        {
            // The trust decision (with sts:ExternalId among the keys), for berth explain.
            AuditTrail.DeniedAuthorization.Record(call.Context, "sts:AssumeRole", roleArn, context);
            throw;
        }

        await call.RespondAsync(new QueryOutput
        {
            ["Credentials"] = new QueryOutput
            {
                ["AccessKeyId"] = credentials.AccessKeyId,
                ["SecretAccessKey"] = credentials.SecretAccessKey,
                ["SessionToken"] = credentials.SessionToken,
                ["Expiration"] = credentials.Expiration,
            },
            ["AssumedRoleUser"] = new QueryOutput
            {
                ["AssumedRoleId"] = credentials.AssumedRoleId,
                ["Arn"] = credentials.AssumedRoleArn,
            },
        }).ConfigureAwait(false);
    }
}
