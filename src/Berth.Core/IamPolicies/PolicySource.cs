namespace Berth.Core.IamPolicies;

/// <summary>Which policy of an <see cref="AuthorizationRequest"/> a statement came from.</summary>
public enum PolicySource { Identity, Resource, Registry }
