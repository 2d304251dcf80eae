using System.Buffers;
using Berth.Server.Hosting;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Tests.Hosting;

public sealed class TransportMemoryPoolTests
{
    [Fact]
    public async Task KestrelGetsThePoolOfLargeBlocks()
    {
        await using var app = BerthApplication.Create(builder => builder.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Berth:DataDirectory"] = Path.Combine(Path.GetTempPath(), "berth-tests", Guid.NewGuid().ToString("N")),
        }));

        using var pool = app.Services.GetRequiredService<IMemoryPoolFactory<byte>>().Create();
        Assert.IsType<TransportMemoryPool>(pool);
        Assert.Equal(64 * 1024, pool.MaxBufferSize);

        // The pools the idle release empties: the transport's and the filesystem store's copy buffers.
        var pooled = app.Services.GetServices<Berth.Storage.IPooledBuffers>().Select(p => p.GetType().Name).Order();
        Assert.Equal(["AlignedBufferPool", "TransportBuffers"], pooled);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(64 * 1024)]
    public void EveryBlockIsAWhole64KiBWhateverTheRequest(int minimum)
    {
        using var pool = new TransportMemoryPool();
        using var block = pool.Rent(minimum);
        Assert.Equal(TransportMemoryPool.BlockSize, block.Memory.Length);
    }

    [Fact]
    public void ARequestLargerThanABlockIsRefused()
    {
        using var pool = new TransportMemoryPool();
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(TransportMemoryPool.BlockSize + 1));
    }

    [Fact]
    public void AReturnedBlockIsReusedAndADisposedOwnerNoLongerReachesIt()
    {
        using var pool = new TransportMemoryPool();
        var first = pool.Rent();
        first.Memory.Span[0] = 42;
        var memory = first.Memory;
        first.Dispose();
        first.Dispose();
        Assert.Throws<ObjectDisposedException>(() => first.Memory);

        using var second = pool.Rent();
        Assert.True(second.Memory.Span.Overlaps(memory.Span), "the freed block was not reused");

        // Disposing twice returned the block once: the next rent gets a new block.
        using var third = pool.Rent();
        Assert.False(third.Memory.Span.Overlaps(memory.Span));
    }

    [Fact]
    public void OnlyABoundedNumberOfFreeBlocksIsKept()
    {
        using var pool = new TransportMemoryPool();
        var owners = Enumerable.Range(0, TransportMemoryPool.RetainedBlocks + 10).Select(_ => pool.Rent()).ToList();
        var arrays = owners.Select(o => o.Memory).ToList();
        owners.ForEach(o => o.Dispose());

        var again = Enumerable.Range(0, TransportMemoryPool.RetainedBlocks + 10).Select(_ => pool.Rent()).ToList();
        var reused = again.Count(o => arrays.Any(a => a.Span.Overlaps(o.Memory.Span)));
        Assert.Equal(TransportMemoryPool.RetainedBlocks, reused);
        again.ForEach(o => o.Dispose());
    }
}
