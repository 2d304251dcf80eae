using Berth.Core.Caching;

namespace Berth.Server.Hosting;

/// <summary>
/// Keeps this node's authorization caches (<see cref="AuthorizationCachePolicy"/>) true to its own changes: any
/// request that may change state (every method but GET and HEAD: ECR, IAM and STS calls, pushes, deletes) invalidates
/// them when its response starts, which is after its changes are committed and before the client can act on the
/// answer, and again when it ends (a request that fails before answering).
/// </summary>
internal static class AuthorizationCacheInvalidation
{
    public static IApplicationBuilder UseAuthorizationCacheInvalidation(this IApplicationBuilder app)
    {
        var policy = app.ApplicationServices.GetRequiredService<AuthorizationCachePolicy>();
        if (!policy.Enabled)
        {
            return app;
        }

        return app.Use(async (context, next) =>
        {
            var method = context.Request.Method;
            if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            context.Response.OnStarting(static state =>
            {
                ((AuthorizationCachePolicy)state).Invalidate();
                return Task.CompletedTask;
            }, policy);
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                policy.Invalidate();
            }
        });
    }
}
