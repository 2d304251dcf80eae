namespace Berth.Core.PolicySimulation;

/// <summary>A place in a policy's JSON text: line and column, both from 1 (IAM's Position shape).</summary>
public readonly record struct TextPosition(int Line, int Column);
