using Berth.Core.Credentials;

namespace Berth.Storage.Tests.Contracts;

/// <summary>
/// What every <see cref="IConsoleKeyStore"/> must do: the sealed key elements listed back to the byte, in the order
/// they were stored, on every node; a name stored twice (two nodes creating their first key at once) keeps the first
/// element, so no node's cookies are signed with a key the others do not list.
/// </summary>
public abstract class ConsoleKeyStoreContract
{
    /// <summary>Two stores over one fresh database, as two nodes see it.</summary>
    protected abstract Task<(IConsoleKeyStore NodeA, IConsoleKeyStore NodeB)> CreateAsync();

    [Fact]
    public async Task ElementsAreListedOnEveryNodeInTheOrderStoredExactlyAsSealed()
    {
        var (a, b) = await CreateAsync();
        Assert.Empty(await b.ListAsync(default));
        var large = new byte[70_000];
        new Random(22).NextBytes(large);
        byte[][] elements = [[0, 1, 2, 250, 255, 0], large, [0x7f]];

        await a.AddAsync("key-c9b1e5f0", elements[0], default);
        await b.AddAsync("key-00000000", elements[1], default);
        await a.AddAsync("key-ffffffff", elements[2], default);

        Assert.Equal(elements, await a.ListAsync(default));
        Assert.Equal(elements, await b.ListAsync(default));
    }

    [Fact]
    public async Task ANameStoredAgainKeepsTheFirstElement()
    {
        var (a, b) = await CreateAsync();

        await a.AddAsync("key-1", [1, 1, 1], default);
        await b.AddAsync("key-1", [2, 2, 2], default);
        await a.AddAsync("KEY-1", [3], default);

        Assert.Equal([[1, 1, 1], [3]], await b.ListAsync(default));
    }

    [Fact]
    public async Task ConcurrentFirstStoresOfOneNameOnTwoNodesLeaveOneElement()
    {
        var (a, b) = await CreateAsync();

        await Task.WhenAll(
            Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? a : b).AddAsync("key-race", [(byte)i], default).AsTask()));

        var stored = Assert.Single(await a.ListAsync(default));
        Assert.Equal(stored, Assert.Single(await b.ListAsync(default)));
    }
}
