using Berth.Core.Errors;

namespace Berth.Core.PullThroughCache;

/// <summary>Catalog entries of the pull through cache operations (botocore model ecr/2015-09-21).</summary>
public static class PullThroughCacheErrors
{
    public static readonly RegistryErrorCode RuleAlreadyExists = new("UNSUPPORTED", 400, "pull through cache rule already exists", "PullThroughCacheRuleAlreadyExistsException");
    public static readonly RegistryErrorCode RuleNotFound = new("UNSUPPORTED", 400, "pull through cache rule not found", "PullThroughCacheRuleNotFoundException");
    public static readonly RegistryErrorCode UnsupportedUpstreamRegistry = new("UNSUPPORTED", 400, "upstream registry not supported", "UnsupportedUpstreamRegistryException");
    public static readonly RegistryErrorCode SecretNotFound = new("UNSUPPORTED", 400, "secret not found", "SecretNotFoundException");
    public static readonly RegistryErrorCode UnableToAccessSecret = new("UNSUPPORTED", 400, "unable to access secret", "UnableToAccessSecretException");
    public static readonly RegistryErrorCode UnableToDecryptSecretValue = new("UNSUPPORTED", 400, "unable to decrypt secret value", "UnableToDecryptSecretValueException");
    public static readonly RegistryErrorCode RuleLimitExceeded = new("UNSUPPORTED", 400, "too many pull through cache rules", "LimitExceededException");

    /// <summary>
    /// A push into a repository a pull through cache rule fills: 405 on /v2/ (distribution's answer for a registry
    /// that only proxies, "UNSUPPORTED: The operation is unsupported").
    /// </summary>
    public static readonly RegistryErrorCode PushIntoCache = new("UNSUPPORTED", 405, "the repository is a pull through cache", "InvalidParameterException");

    /// <summary>The upstream answered 429 and nothing is cached to fall back on.</summary>
    public static readonly RegistryErrorCode UpstreamThrottled = new("TOOMANYREQUESTS", 429, "upstream registry throttled the request", "ThrottlingException");

    /// <summary>The upstream could not serve a pull and nothing is cached to fall back on.</summary>
    public static readonly RegistryErrorCode UpstreamUnavailable = new("UNAVAILABLE", 503, "upstream registry unavailable", "ServerException");
}
