namespace Berth.Core.Tests;

public sealed class ArchitectureTests
{
    [Fact]
    public void CoreReferencesOnlyTheBaseClassLibrary()
    {
        var references = typeof(Berth.Core.Content.Digest).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();
        Assert.All(references, name => Assert.True(
            name is "System.Runtime" or "System.Collections" or "System.Collections.Concurrent" or "System.Text.Json" or "System.Memory"
                or "System.Linq" or "System.Text.RegularExpressions" or "System.Threading" or "System.Security.Cryptography" or "System.Runtime.InteropServices"
                or "System.Private.CoreLib" or "netstandard" or "System.Runtime.Intrinsics" or "System.Net.Primitives"
                or "System.Text.Encodings.Web" or "System.Diagnostics.DiagnosticSource"
                or "System.Formats.Tar" or "System.IO.Compression" or "System.IO.Compression.ZipFile",
            $"Berth.Core must not reference {name}"));
    }
}
