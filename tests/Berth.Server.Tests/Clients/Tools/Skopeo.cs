namespace Berth.Server.Tests.Clients.Tools;

/// <summary>skopeo against a plain-HTTP registry: TLS verification off, so containers/image falls back to http://.</summary>
public static class Skopeo
{
    public const string Tool = "skopeo";

    /// <summary>skopeo copy SOURCE DESTINATION, with TLS verification off on both sides and any extra options first.</summary>
    public static Task<ProcessResult> CopyAsync(string source, string destination, params string[] options) =>
        ProcessRunner.RunAsync(Tool, ["copy", "--src-tls-verify=false", "--dest-tls-verify=false", .. options, source, destination]);

    public static Task<ProcessResult> RunAsync(params string[] arguments) => ProcessRunner.RunAsync(Tool, arguments);
}
