using Berth.Core.Naming;
using Berth.Core.Registries;

namespace Berth.Core.Blobs;

/// <summary>A blob upload started by POST /v2/&lt;name&gt;/blobs/uploads/ and not yet completed or cancelled.</summary>
public sealed record UploadSession(
    string Id,
    RegistryIdentity Registry,
    RepositoryName Repository,
    StagedUpload Staged,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt);
