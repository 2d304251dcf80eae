namespace Berth.Core.IamPolicies;

/// <summary>How an element compared with the request: a policy variable that did not resolve is neither a match nor a miss.</summary>
internal enum MatchOutcome { NoMatch, Match, Unresolved }
