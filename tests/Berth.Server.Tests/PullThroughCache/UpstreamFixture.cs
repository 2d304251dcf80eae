using Berth.Server.Tests.Clients.Images;
using Berth.Server.Tests.Clients.Tools;

namespace Berth.Server.Tests.PullThroughCache;

/// <summary>
/// One CNCF Distribution per test class, holding a multi-arch image (<c>library/multi:v1</c>, amd64 and arm64) and,
/// once a test asks for it (<see cref="StartBigAsync"/>), a single image with one 200 MiB layer (<c>library/big:v1</c>),
/// pushed with skopeo. Started by the first test that needs it (<see cref="StartAsync"/>), so that a machine without
/// the tools skips instead of failing the class.
/// </summary>
public sealed class UpstreamFixture : IAsyncLifetime, IDisposable
{
    /// <summary>The large layer's size before gzip (random bytes: gzip does not shrink it).</summary>
    public const int BigLayerBytes = 200 * 1024 * 1024;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly string _work = Path.Combine(Path.GetTempPath(), "berth-ptc", Guid.NewGuid().ToString("N"));
    private OciLayoutWriter? _layout;

    public DistributionRegistry Registry { get; private set; } = null!;

    public TestIndex Multi { get; private set; } = null!;

    public TestImage Big { get; private set; } = null!;

    public string LayoutDirectory => Path.Combine(_work, "layout");

    public async Task StartAsync()
    {
        ClientTools.SkipUnlessAvailable(DistributionRegistry.Tool, Skopeo.Tool, "python3");
        await _gate.WaitAsync();
        try
        {
            if (Registry is not null)
            {
                return;
            }

            Registry = await DistributionRegistry.StartAsync();
            var layout = _layout = new OciLayoutWriter(LayoutDirectory);
            Multi = TestImageFactory.WriteIndex(layout, "amd64", "arm64");
            layout.Tag(new OciDescriptor(OciMediaTypes.ImageIndex, Multi.IndexDigest, Multi.Index.Length), "multi");
            await Registry.PushAsync(LayoutDirectory, "multi", "library/multi", "v1");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Starts the upstream and pushes <c>library/big:v1</c> (200 MiB of random bytes in one layer) to it once.</summary>
    public async Task StartBigAsync()
    {
        await StartAsync();
        await _gate.WaitAsync();
        try
        {
            if (Big is not null)
            {
                return;
            }

            var layout = _layout!;
            var big = TestImageFactory.WriteImage(layout, layerCount: 1, layerBytes: BigLayerBytes);
            layout.Tag(big.Descriptor, "big");
            await Registry.PushAsync(LayoutDirectory, "big", "library/big", "v1");
            Big = big;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes a new single-layer image into a layout of its own, tagged <paramref name="tag"/>; returns it and the layout.</summary>
    public (TestImage Image, string Layout) NewImage(string tag)
    {
        var directory = Path.Combine(_work, Guid.NewGuid().ToString("N"));
        var layout = new OciLayoutWriter(directory);
        var image = TestImageFactory.WriteImage(layout, layerCount: 1, layerBytes: 16 * 1024);
        layout.Tag(image.Descriptor, tag);
        return (image, directory);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public void Dispose() => _gate.Dispose();

    public async Task DisposeAsync()
    {
        if (Registry is not null)
        {
            await Registry.DisposeAsync();
        }

        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
