namespace Berth.Core.IamPolicies;

/// <summary>
/// The AWS managed policies Berth knows, with their real documents (embedded resources under
/// <c>ManagedPolicyDocuments/</c>, copied from the ECR and ECR Public user guides and AWS's managed policy reference).
/// </summary>
public static class ManagedPolicies
{
    private const string ResourcePrefix = "Berth.Core.IamPolicies.ManagedPolicyDocuments.";

    public static ManagedPolicy AdministratorAccess { get; } =
        Load("AdministratorAccess", "Provides full access to AWS services and resources.");

    public static ManagedPolicy AmazonEC2ContainerRegistryFullAccess { get; } =
        Load("AmazonEC2ContainerRegistryFullAccess", "Provides administrative access to Amazon ECR resources");

    public static ManagedPolicy AmazonEC2ContainerRegistryPowerUser { get; } =
        Load("AmazonEC2ContainerRegistryPowerUser", "Provides full access to Amazon EC2 Container Registry repositories, but does not allow repository deletion or policy changes.");

    public static ManagedPolicy AmazonEC2ContainerRegistryReadOnly { get; } =
        Load("AmazonEC2ContainerRegistryReadOnly", "Provides read-only access to Amazon EC2 Container Registry repositories.");

    public static ManagedPolicy AmazonEC2ContainerRegistryPullOnly { get; } =
        Load("AmazonEC2ContainerRegistryPullOnly", "Provides access to pull images from Amazon EC2 Container Registry repositories.");

    public static ManagedPolicy AmazonElasticContainerRegistryPublicFullAccess { get; } =
        Load("AmazonElasticContainerRegistryPublicFullAccess", "Provides administrative access to Amazon ECR Public resources");

    public static ManagedPolicy AmazonElasticContainerRegistryPublicPowerUser { get; } =
        Load("AmazonElasticContainerRegistryPublicPowerUser", "Provides full access to Amazon ECR Public repositories, but does not allow repository deletion or policy changes.");

    public static ManagedPolicy AmazonElasticContainerRegistryPublicReadOnly { get; } =
        Load("AmazonElasticContainerRegistryPublicReadOnly", "Provides read-only access to Amazon ECR Public repositories.");

    public static IReadOnlyList<ManagedPolicy> All { get; } =
    [
        AdministratorAccess,
        AmazonEC2ContainerRegistryFullAccess,
        AmazonEC2ContainerRegistryPowerUser,
        AmazonEC2ContainerRegistryReadOnly,
        AmazonEC2ContainerRegistryPullOnly,
        AmazonElasticContainerRegistryPublicFullAccess,
        AmazonElasticContainerRegistryPublicPowerUser,
        AmazonElasticContainerRegistryPublicReadOnly,
    ];

    /// <summary>The managed policy with this ARN (exact, as IAM compares policy ARNs), or null.</summary>
    public static ManagedPolicy? FindByArn(string arn) => All.FirstOrDefault(p => p.Arn == arn);

    private static ManagedPolicy Load(string name, string description)
    {
        using var stream = typeof(ManagedPolicies).Assembly.GetManifestResourceStream(ResourcePrefix + name + ".json")
            ?? throw new InvalidOperationException($"The managed policy document {name}.json is not embedded in Berth.Core.");
        using var reader = new StreamReader(stream);
        return new ManagedPolicy(name, "/", description, reader.ReadToEnd());
    }
}
