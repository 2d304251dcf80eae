using System.Globalization;

namespace Berth.Storage.Tests.S3;

/// <summary>
/// The files of a single-node OpenStack Swift with the s3api middleware: one-replica rings and the four server
/// configurations, all under one directory, on 127.0.0.1 and the given ports. Plain directories serve as the device
/// (<c>mount_check = false</c>); tempauth's user <c>test:tester</c> with key <c>testing</c> is the S3 access key.
/// </summary>
internal sealed record SwiftConfiguration(string Root, int AccountPort, int ContainerPort, int ObjectPort, int ProxyPort, int MemcachedPort)
{
    public const string AccessKeyId = "test:tester";
    public const string SecretAccessKey = "testing";

    public string Devices => Path.Combine(Root, "devices");

    public string ConfigPath(string server) => Path.Combine(Root, $"{server}-server.conf");

    /// <summary>Writes the configurations; the rings are built separately with swift-ring-builder.</summary>
    public void WriteFiles()
    {
        Directory.CreateDirectory(Path.Combine(Devices, "d1"));
        var user = Environment.UserName;
        WriteBackend("account", AccountPort, user, string.Empty);
        WriteBackend("container", ContainerPort, user, string.Empty);

        // Container updates of object PUTs must not time out under load, or listings miss objects.
        WriteBackend("object", ObjectPort, user, "container_update_timeout = 30\n");
        File.WriteAllText(ConfigPath("proxy"), string.Create(CultureInfo.InvariantCulture, $"""
            [DEFAULT]
            bind_ip = 127.0.0.1
            bind_port = {ProxyPort}
            swift_dir = {Root}
            user = {user}
            workers = 0
            log_level = WARNING

            [pipeline:main]
            pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk s3api tempauth copy slo dlo versioned_writes proxy-logging proxy-server

            [app:proxy-server]
            use = egg:swift#proxy
            account_autocreate = true

            [filter:s3api]
            use = egg:swift#s3api
            location = us-east-1
            allow_multipart_uploads = true

            [filter:tempauth]
            use = egg:swift#tempauth
            user_test_tester = {SecretAccessKey} .admin

            [filter:cache]
            use = egg:swift#memcache
            memcache_servers = 127.0.0.1:{MemcachedPort}

            [filter:catch_errors]
            use = egg:swift#catch_errors

            [filter:gatekeeper]
            use = egg:swift#gatekeeper

            [filter:healthcheck]
            use = egg:swift#healthcheck

            [filter:proxy-logging]
            use = egg:swift#proxy_logging

            [filter:listing_formats]
            use = egg:swift#listing_formats

            [filter:bulk]
            use = egg:swift#bulk

            [filter:copy]
            use = egg:swift#copy

            [filter:slo]
            use = egg:swift#slo

            [filter:dlo]
            use = egg:swift#dlo

            [filter:versioned_writes]
            use = egg:swift#versioned_writes

            """));
    }

    private void WriteBackend(string server, int port, string user, string extra) =>
        File.WriteAllText(ConfigPath(server), string.Create(CultureInfo.InvariantCulture, $"""
            [DEFAULT]
            bind_ip = 127.0.0.1
            bind_port = {port}
            devices = {Devices}
            mount_check = false
            swift_dir = {Root}
            user = {user}
            workers = 0
            log_level = WARNING

            [pipeline:main]
            pipeline = {server}-server

            [app:{server}-server]
            use = egg:swift#{server}
            {extra}
            """));
}
