using System.Text.Json;
using Berth.Core.Errors;
using Berth.Core.Paging;
using Berth.Core.Secrets;
using Berth.Server.EcrApi;

namespace Berth.Server.SecretsManagerApi;

/// <summary>
/// The six Secrets Manager operations. Members of the model Berth does not implement (KMS keys, tags, replica
/// regions, rotation, list filters and sorting, other version stages) are refused with InvalidParameterException
/// rather than ignored.
/// See https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html
/// </summary>
internal static class SecretOperations
{
    private const int DefaultMaxResults = 100;

    public static Dictionary<string, Func<EcrCall, Task>> Create() => new(StringComparer.Ordinal)
    {
        ["CreateSecret"] = CreateAsync,
        ["GetSecretValue"] = GetValueAsync,
        ["PutSecretValue"] = PutValueAsync,
        ["DescribeSecret"] = DescribeAsync,
        ["ListSecrets"] = ListAsync,
        ["DeleteSecret"] = DeleteAsync,
    };

    private static async Task CreateAsync(EcrCall call)
    {
        Refuse(call, "KmsKeyId", "Tags", "AddReplicaRegions", "ForceOverwriteReplicaSecret", "Type");
        var value = ValueOf(call);
        var secret = await call.Service<SecretService>().CreateAsync(
            call.String("Name")!, call.String("Description"), value, call.String("ClientRequestToken"), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteString("ARN", secret.Arn);
            json.WriteString("Name", secret.Name);
            if (value is not null)
            {
                json.WriteString("VersionId", secret.VersionId);
            }
        }).ConfigureAwait(false);
    }

    private static async Task GetValueAsync(EcrCall call)
    {
        var (secret, value) = await call.Service<SecretService>().GetValueAsync(
            call.String("SecretId")!, call.String("VersionId"), call.String("VersionStage"), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteString("ARN", secret.Arn);
            json.WriteString("Name", secret.Name);
            json.WriteString("VersionId", secret.VersionId);
            if (value.Binary is { } binary)
            {
                json.WriteBase64String("SecretBinary", binary);
            }
            else
            {
                json.WriteString("SecretString", value.Text);
            }

            WriteStages(json, "VersionStages");
            EcrCall.WriteTimestamp(json, "CreatedDate", secret.LastChangedAt);
        }).ConfigureAwait(false);
    }

    private static async Task PutValueAsync(EcrCall call)
    {
        Refuse(call, "RotationToken");
        if (call.Element("VersionStages") is { } stages
            && stages.EnumerateArray().Any(s => s.GetString() != SecretService.CurrentStage))
        {
            throw new RegistryException(SecretsErrors.InvalidParameter, $"Only the version stage {SecretService.CurrentStage} is supported by this registry");
        }

        var value = ValueOf(call) ?? throw new RegistryException(SecretsErrors.InvalidParameter, "You must provide either SecretString or SecretBinary.");
        var secret = await call.Service<SecretService>().PutValueAsync(call.String("SecretId")!, value, call.String("ClientRequestToken"), call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteString("ARN", secret.Arn);
            json.WriteString("Name", secret.Name);
            json.WriteString("VersionId", secret.VersionId);
            WriteStages(json, "VersionStages");
        }).ConfigureAwait(false);
    }

    private static async Task DescribeAsync(EcrCall call)
    {
        var secret = await call.Service<SecretService>().GetAsync(call.String("SecretId")!, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json => WriteEntry(json, secret, "VersionIdsToStages")).ConfigureAwait(false);
    }

    private static async Task ListAsync(EcrCall call)
    {
        Refuse(call, "Filters", "SortOrder", "SortBy");
        var request = new PageRequest(call.Int("MaxResults") ?? DefaultMaxResults, NextToken.Read(call, "NextToken"));
        var page = await call.Service<SecretService>().ListAsync(request, call.Bool("IncludePlannedDeletion") ?? false, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteStartArray("SecretList");
            foreach (var secret in page.Items)
            {
                json.WriteStartObject();
                WriteEntry(json, secret, "SecretVersionsToStages");
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (page.HasMore)
            {
                json.WriteString("NextToken", NextToken.Write(call, page.Items.Count > 0 ? page.Items[^1].Name : request.After ?? string.Empty));
            }
        }).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(EcrCall call)
    {
        var days = call.Element("RecoveryWindowInDays")?.GetInt64();
        var secret = await call.Service<SecretService>().DeleteAsync(call.String("SecretId")!, days, call.Bool("ForceDeleteWithoutRecovery") ?? false, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json =>
        {
            json.WriteString("ARN", secret.Arn);
            json.WriteString("Name", secret.Name);
            EcrCall.WriteTimestamp(json, "DeletionDate", secret.DeletionDate!.Value);
        }).ConfigureAwait(false);
    }

    private static void WriteEntry(System.Text.Json.Utf8JsonWriter json, Secret secret, string versionsMember)
    {
        json.WriteString("ARN", secret.Arn);
        json.WriteString("Name", secret.Name);
        if (secret.Description is not null)
        {
            json.WriteString("Description", secret.Description);
        }

        EcrCall.WriteTimestamp(json, "LastChangedDate", secret.LastChangedAt);
        if (secret.DeletionDate is { } deleted)
        {
            // DeletedDate is when the deletion was asked for; Berth keeps the date it takes effect (the recovery window's end).
            EcrCall.WriteTimestamp(json, "DeletedDate", deleted);
        }

        if (secret.SealedValue.Length > 0)
        {
            json.WriteStartObject(versionsMember);
            WriteStages(json, secret.VersionId);
            json.WriteEndObject();
        }

        EcrCall.WriteTimestamp(json, "CreatedDate", secret.CreatedAt);
    }

    private static void WriteStages(System.Text.Json.Utf8JsonWriter json, string name)
    {
        json.WriteStartArray(name);
        json.WriteStringValue(SecretService.CurrentStage);
        json.WriteEndArray();
    }

    private static SecretService.SecretValue? ValueOf(EcrCall call)
    {
        var text = call.String("SecretString");
        var binary = call.String("SecretBinary");
        if (text is not null && binary is not null)
        {
            throw new RegistryException(SecretsErrors.InvalidParameter, "You can't specify both a binary secret value and a string secret value in the same secret.");
        }

        return text is not null ? new SecretService.SecretValue(text, null)
            : binary is not null ? new SecretService.SecretValue(null, Convert.FromBase64String(binary))
            : null;
    }

    private static void Refuse(EcrCall call, params string[] members)
    {
        foreach (var member in members)
        {
            if (call.Element(member) is not null)
            {
                throw new RegistryException(SecretsErrors.InvalidParameter, $"The parameter {member} is not supported by this registry");
            }
        }
    }
}
