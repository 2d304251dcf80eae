namespace Berth.Server.OciDistribution;

/// <summary>GET /v2/: the API version check (distribution-spec end-1).</summary>
internal static class BaseEndpoint
{
    private static readonly byte[] Body = "{}"u8.ToArray();

    public static Task HandleAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = Body.Length;
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : context.Response.Body.WriteAsync(Body, context.RequestAborted).AsTask();
    }
}
