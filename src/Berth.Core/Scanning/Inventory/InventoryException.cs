namespace Berth.Core.Scanning.Inventory;

/// <summary>The image cannot be inventoried (a layer format not read, a database over its cap); the message says why, for the scan's status description.</summary>
public sealed class InventoryException(string message) : Exception(message);
