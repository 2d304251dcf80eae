namespace Berth.Storage;

/// <summary>The <c>Berth:Storage</c> section: which backends hold blobs and metadata, and where.</summary>
public sealed class StorageOptions
{
    public const string Section = "Berth:Storage";

    public BlobStorageOptions Blobs { get; set; } = new();

    public MetadataStorageOptions Metadata { get; set; } = new();
}

public sealed class BlobStorageOptions
{
    /// <summary>FileSystem (the default) or S3.</summary>
    public string Type { get; set; } = "FileSystem";

    public FileSystemBlobOptions FileSystem { get; set; } = new();

    public S3BlobOptions S3 { get; set; } = new();
}

public sealed class FileSystemBlobOptions
{
    /// <summary>The blob root; empty means &lt;data directory&gt;/blobs.</summary>
    public string? Root { get; set; }

    /// <summary>
    /// Write uploads with O_DIRECT where the filesystem supports it, and read a blob of 1 MiB or more that the page
    /// cache does not hold with O_DIRECT too (so large blobs never fill the page cache). False: everything through the
    /// page cache, which serves blobs pulled often from memory — the better choice on slow or network disks. On by
    /// default (docs/ARCHITECTURE.md has the figures).
    /// </summary>
    public bool DirectIo { get; set; } = true;
}

public sealed class MetadataStorageOptions
{
    /// <summary>Sqlite (the default) or Postgres.</summary>
    public string Type { get; set; } = "Sqlite";

    public SqliteMetadataOptions Sqlite { get; set; } = new();

    public PostgresMetadataOptions Postgres { get; set; } = new();
}

public sealed class SqliteMetadataOptions
{
    /// <summary>The database file; empty means &lt;data directory&gt;/berth.db.</summary>
    public string? Path { get; set; }
}

public sealed class PostgresMetadataOptions
{
    /// <summary>An Npgsql connection string (Host=…;Port=…;Database=…;Username=…;Password=…). It is never logged.</summary>
    public string? ConnectionString { get; set; }
}
