using System.Text.Json;
using Berth.Core.Paging;
using Berth.Core.Registries;
using Berth.Core.Repositories;
using System.Data.Common;

namespace Berth.Storage.Metadata;

internal sealed class SqlRepositoryCreationTemplateStore(MetadataDatabase database, RegistryIdentity registry) : IRepositoryCreationTemplateStore
{
    private const string Columns =
        "prefix, description, encryption_type, kms_key, resource_tags, image_tag_mutability, mutability_exclusions, " +
        "repository_policy, lifecycle_policy, applied_for, custom_role_arn, created_at, updated_at";

    public async ValueTask<RepositoryCreationTemplate?> FindAsync(string prefix, CancellationToken cancellationToken) =>
        await database.FirstAsync(
            $"SELECT {Columns} FROM repository_creation_templates WHERE account_id = @account AND region = @region AND prefix = @prefix",
            Read,
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@prefix", prefix)).ConfigureAwait(false);

    public async ValueTask<bool> CreateAsync(RepositoryCreationTemplate creationTemplate, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            $"""
            INSERT INTO repository_creation_templates (account_id, region, {Columns})
            VALUES (@account, @region, @prefix, @description, @encryption, @kms, @tags, @mutability, @exclusions, @policy, @lifecycle, @applied, @role, @created, @updated)
            ON CONFLICT (account_id, region, prefix) DO NOTHING
            """,
            cancellationToken, Parameters(creationTemplate)).ConfigureAwait(false) > 0;

    public async ValueTask<bool> UpdateAsync(RepositoryCreationTemplate creationTemplate, CancellationToken cancellationToken) =>
        await database.ExecuteAsync(
            """
            UPDATE repository_creation_templates SET description = @description, encryption_type = @encryption, kms_key = @kms,
                resource_tags = @tags, image_tag_mutability = @mutability, mutability_exclusions = @exclusions,
                repository_policy = @policy, lifecycle_policy = @lifecycle, applied_for = @applied, custom_role_arn = @role,
                updated_at = @updated
            WHERE account_id = @account AND region = @region AND prefix = @prefix
            """,
            cancellationToken, Parameters(creationTemplate)).ConfigureAwait(false) > 0;

    public async ValueTask<bool> DeleteAsync(string prefix, CancellationToken cancellationToken) =>
        await database.ExecuteAsync("DELETE FROM repository_creation_templates WHERE account_id = @account AND region = @region AND prefix = @prefix",
            cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@prefix", prefix))
            .ConfigureAwait(false) > 0;

    public async ValueTask<Page<RepositoryCreationTemplate>> ListAsync(PageRequest page, CancellationToken cancellationToken) =>
        await database.PageAsync(
            $"SELECT {Columns} FROM repository_creation_templates WHERE account_id = @account AND region = @region AND (@after IS NULL OR prefix > @after) ORDER BY prefix LIMIT @limit",
            page.Limit, Read, cancellationToken, ("@account", registry.AccountId), ("@region", registry.Region), ("@after", page.After), ("@limit", page.Limit + 1)).ConfigureAwait(false);

    private static RepositoryCreationTemplate Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.NullableString(1),
        reader.GetString(2),
        reader.NullableString(3),
        JsonSerializer.Deserialize<List<TagRow>>(reader.GetString(4))!.Select(t => new KeyValuePair<string, string>(t.Key, t.Value)).ToList(),
        reader.GetString(5),
        JsonSerializer.Deserialize<List<ExclusionRow>>(reader.GetString(6))!.Select(e => new TagMutabilityExclusion(e.FilterType, e.Filter)).ToList(),
        reader.NullableString(7),
        reader.NullableString(8),
        JsonSerializer.Deserialize<List<string>>(reader.GetString(9))!,
        reader.NullableString(10),
        reader.Time(11),
        reader.Time(12));

    private (string, object?)[] Parameters(RepositoryCreationTemplate template) =>
    [
        ("@account", registry.AccountId),
        ("@region", registry.Region),
        ("@prefix", template.Prefix),
        ("@description", template.Description),
        ("@encryption", template.EncryptionType),
        ("@kms", template.KmsKey),
        ("@tags", JsonSerializer.Serialize(template.ResourceTags.Select(t => new TagRow(t.Key, t.Value)))),
        ("@mutability", template.ImageTagMutability),
        ("@exclusions", JsonSerializer.Serialize(template.MutabilityExclusions.Select(e => new ExclusionRow(e.FilterType, e.Filter)))),
        ("@policy", template.RepositoryPolicy),
        ("@lifecycle", template.LifecyclePolicy),
        ("@applied", JsonSerializer.Serialize(template.AppliedFor)),
        ("@role", template.CustomRoleArn),
        ("@created", template.CreatedAt.ToUnixTimeMilliseconds()),
        ("@updated", template.UpdatedAt.ToUnixTimeMilliseconds()),
    ];

    private sealed record TagRow(string Key, string Value);

    private sealed record ExclusionRow(string FilterType, string Filter);
}
