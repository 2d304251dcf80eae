using Berth.Storage.S3;

namespace Berth.Storage.Tests.S3;

public sealed class S3PartBuffersTests
{
    [Fact]
    public async Task FreeBuffersAreKeptUntilReleasedAndTheBoundHoldsAfterwards()
    {
        using var buffers = new S3PartBuffers(2);
        var first = await buffers.RentAsync(default);
        var second = await buffers.RentAsync(default);
        buffers.Return(first);
        buffers.Return(second);
        Assert.Equal(2, buffers.Rents);
        Assert.Equal(2L * S3BlobStore.PartBytes, buffers.FreeBytes);

        Assert.Equal(2L * S3BlobStore.PartBytes, buffers.Release());
        Assert.Equal(0, buffers.FreeBytes);
        Assert.Equal(0, buffers.Release());

        // New buffers replace the released ones, and still no more than two exist at once.
        var third = await buffers.RentAsync(default);
        var fourth = await buffers.RentAsync(default);
        Assert.NotSame(first, third);
        Assert.Equal(S3BlobStore.PartBytes, third.Length);
        var waiting = buffers.RentAsync(default).AsTask();
        Assert.False(waiting.IsCompleted);
        buffers.Return(fourth);
        Assert.Same(fourth, await waiting);
        Assert.Equal(5, buffers.Rents);
    }
}
