using System.Text.Json.Nodes;
using Berth.Core.Credentials;
using Berth.Core.Registries;
using Berth.Server.AuditTrail;

namespace Berth.Server.OciDistribution;

/// <summary>
/// The audit record of a /v2/ request, named as CloudTrail names the ECR calls a docker push or pull makes
/// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/logging-using-cloudtrail.html): a manifest PUT is PutImage,
/// a manifest GET BatchGetImage, a blob GET GetDownloadUrlForLayer, an upload's POST, PATCH and PUT
/// InitiateLayerUpload, UploadLayerPart and CompleteLayerUpload, deletions BatchDeleteImage, the tag list ListImages,
/// the catalog DescribeRepositories. HEAD requests (existence checks before a push or pull) and upload status GETs are
/// not recorded: ECR's guide lists no event for them, and they are a large share of a client's small requests.
/// </summary>
internal static class OciAudit
{
    public static void Begin(HttpContext context, RegistryIdentity registry, Principal principal, OciRoute route, string action)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsHead(method) || (route.Resource == OciResource.Upload && HttpMethods.IsGet(method)) || route.Resource == OciResource.Base)
        {
            return;
        }

        if (AuditedCalls.Begin(context, registry.IsPublic ? "ecr-public" : "ecr", action[(action.IndexOf(':', StringComparison.Ordinal) + 1)..]) is not { } record)
        {
            return;
        }

        record.Principal = principal;
        if (route.Name.Length == 0)
        {
            record.RequestParameters = new JsonObject { ["registryId"] = registry.AccountId };
            return;
        }

        var parameters = AuditedCalls.OciParameters(registry, route.Name);
        switch (route.Resource)
        {
            case OciResource.Manifest or OciResource.Referrers when route.Argument.Contains(':', StringComparison.Ordinal):
                parameters["imageDigest"] = route.Argument;
                break;
            case OciResource.Manifest:
                parameters["imageTag"] = route.Argument;
                break;
            case OciResource.Blob:
                parameters["layerDigest"] = route.Argument;
                break;
            case OciResource.Upload:
                parameters["uploadId"] = route.Argument;
                if (context.Request.Query["digest"].ToString() is { Length: > 0 } digest)
                {
                    parameters["layerDigests"] = new JsonArray(digest);
                }

                break;
            case OciResource.Uploads when context.Request.Query["mount"].ToString() is { Length: > 0 } mount:
                parameters["mountDigest"] = mount;
                parameters["sourceRepositoryName"] = context.Request.Query["from"].ToString();
                break;
        }

        record.RequestParameters = parameters;
        record.ResourceName = route.Name;
    }
}
