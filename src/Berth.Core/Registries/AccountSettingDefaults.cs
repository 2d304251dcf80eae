namespace Berth.Core.Registries;

/// <summary>
/// Values of account settings an account has never set. <see cref="BlobMounting"/> is DISABLED in ECR; a registry that
/// acts as CNCF Distribution may start with ENABLED.
/// </summary>
public sealed record AccountSettingDefaults(string BlobMounting)
{
    public static readonly AccountSettingDefaults Ecr = new("DISABLED");
}
