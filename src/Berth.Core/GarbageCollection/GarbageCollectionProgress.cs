namespace Berth.Core.GarbageCollection;

/// <summary>How far a cycle is: the phase, and items done out of a total (null while the total is not known yet).</summary>
public readonly record struct GarbageCollectionProgress(string Phase, long Done, long? Total);
