using Berth.Core.Blobs;

namespace Berth.Core.Tests.Blobs;

public sealed class ChunkRangeTests
{
    [Theory]
    [InlineData("0-0", 0, 0)]
    [InlineData("0-1023", 0, 1023)]
    [InlineData("1024-2047", 1024, 2047)]
    [InlineData("bytes=5-9", 5, 9)]
    public void ValidRangesParse(string value, long start, long end)
    {
        Assert.True(ChunkRange.TryParse(value, out var range));
        Assert.Equal(new ChunkRange(start, end), range);
        Assert.Equal(end - start + 1, range.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("5")]
    [InlineData("-5")]
    [InlineData("9-5")]
    [InlineData("a-b")]
    [InlineData("1-2-3")]
    [InlineData("+1-2")]
    public void InvalidRangesAreRefused(string value) => Assert.False(ChunkRange.TryParse(value, out _));
}
