using System.Text.Json;
using Berth.Core.Replication;

namespace Berth.Server.EcrApi;

/// <summary>
/// Replication: PutReplicationConfiguration (DescribeRegistry returns it, see <see cref="RegistryOperations"/>) and
/// DescribeImageReplicationStatus. The copies themselves are made by BackgroundJobs/ReplicationJob.
/// See https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutReplicationConfiguration.html and
/// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImageReplicationStatus.html
/// </summary>
internal static class ReplicationOperations
{
    public static void Register(Dictionary<string, Func<EcrCall, Task>> operations)
    {
        operations.Add("PutReplicationConfiguration", PutAsync);
        operations.Add("DescribeImageReplicationStatus", DescribeStatusAsync);
    }

    private static async Task PutAsync(EcrCall call)
    {
        var configuration = Read(call.Element("replicationConfiguration")!.Value);
        await call.Service<ReplicationService>().PutConfigurationAsync(configuration, call.Aborted).ConfigureAwait(false);
        await call.RespondAsync(json => Write(json, configuration)).ConfigureAwait(false);
    }

    private static async Task DescribeStatusAsync(EcrCall call)
    {
        var name = call.RepositoryName();
        await call.Service<Core.Repositories.RepositoryService>().GetAsync(name, call.Aborted).ConfigureAwait(false);
        var image = await ImageDescriptions.FindAsync(call, call.Service<Core.Images.ImageCatalogService>(), name, call.Element("imageId")!.Value).ConfigureAwait(false);
        var statuses = await call.Service<ReplicationService>().ListStatusesAsync(name, image.Digest, call.Aborted).ConfigureAwait(false);
        var requested = call.Element("imageId")!.Value;
        var tag = requested.TryGetProperty("imageTag", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        await call.RespondAsync(json =>
        {
            json.WriteString("repositoryName", name.Value);
            json.WritePropertyName("imageId");
            ImageIds.WriteId(json, image.Digest.ToString(), tag);
            json.WriteStartArray("replicationStatuses");
            foreach (var status in statuses)
            {
                json.WriteStartObject();
                json.WriteString("region", status.Destination.Region);
                json.WriteString("registryId", status.Destination.RegistryId);
                json.WriteString("status", status.Status switch
                {
                    ReplicationStatus.Complete => "COMPLETE",
                    ReplicationStatus.Failed => "FAILED",
                    _ => "IN_PROGRESS",
                });
                if (status.FailureCode is not null)
                {
                    json.WriteString("failureCode", status.FailureCode);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        }).ConfigureAwait(false);
    }

    /// <summary>The model has checked the shape (required members, list sizes, patterns, the PREFIX_MATCH enum).</summary>
    private static ReplicationConfiguration Read(JsonElement element) =>
        new(element.GetProperty("rules").EnumerateArray().Select(rule => new ReplicationRule(
            rule.GetProperty("destinations").EnumerateArray()
                .Select(d => new ReplicationDestination(d.GetProperty("registryId").GetString()!, d.GetProperty("region").GetString()!)).ToList(),
            rule.TryGetProperty("repositoryFilters", out var filters) && filters.ValueKind == JsonValueKind.Array
                ? filters.EnumerateArray().Select(f => f.GetProperty("filter").GetString()!).ToList()
                : [])).ToList());

    /// <summary>ECR's ReplicationConfiguration shape, as PutReplicationConfiguration and DescribeRegistry answer it.</summary>
    public static void Write(Utf8JsonWriter json, ReplicationConfiguration configuration)
    {
        json.WriteStartObject("replicationConfiguration");
        json.WriteStartArray("rules");
        foreach (var rule in configuration.Rules)
        {
            json.WriteStartObject();
            json.WriteStartArray("destinations");
            foreach (var destination in rule.Destinations)
            {
                json.WriteStartObject();
                json.WriteString("region", destination.Region);
                json.WriteString("registryId", destination.RegistryId);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (rule.PrefixFilters.Count > 0)
            {
                json.WriteStartArray("repositoryFilters");
                foreach (var filter in rule.PrefixFilters)
                {
                    json.WriteStartObject();
                    json.WriteString("filter", filter);
                    json.WriteString("filterType", ReplicationConfiguration.PrefixMatch);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
