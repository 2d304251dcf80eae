namespace Berth.Server.OciDistribution;

/// <summary>
/// The ECR action a /v2/ request performs, as ECR's IAM policies name it (docker pull needs ecr:BatchGetImage and
/// ecr:GetDownloadUrlForLayer, docker push ecr:InitiateLayerUpload … ecr:PutImage). Null for the base endpoint,
/// which needs authentication only.
/// </summary>
internal static class OciActions
{
    public static string? Of(OciResource resource, string method) => (resource, method.ToUpperInvariant()) switch
    {
        (OciResource.Base, _) => null,
        (OciResource.Catalog, _) => "ecr:DescribeRepositories",
        (OciResource.Tags, _) => "ecr:ListImages",
        (OciResource.Manifest, "PUT") => "ecr:PutImage",
        (OciResource.Manifest, "DELETE") => "ecr:BatchDeleteImage",
        (OciResource.Manifest, _) => "ecr:BatchGetImage",
        (OciResource.Referrers, _) => "ecr:BatchGetImage",
        (OciResource.Blob, "HEAD") => "ecr:BatchCheckLayerAvailability",
        (OciResource.Blob, "DELETE") => "ecr:BatchDeleteImage",
        (OciResource.Blob, _) => "ecr:GetDownloadUrlForLayer",
        (OciResource.Uploads, _) => "ecr:InitiateLayerUpload",
        (OciResource.Upload, "PUT") => "ecr:CompleteLayerUpload",
        (OciResource.Upload, _) => "ecr:UploadLayerPart",
        _ => null,
    };
}
