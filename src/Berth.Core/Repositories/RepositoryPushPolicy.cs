namespace Berth.Core.Repositories;

/// <summary>Whether a push into a repository that does not exist creates it (as CNCF Distribution does) or is refused (as ECR does).</summary>
public sealed record RepositoryPushPolicy(bool CreateRepositoryOnPush);
