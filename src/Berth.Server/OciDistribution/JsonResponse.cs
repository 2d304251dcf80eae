namespace Berth.Server.OciDistribution;

internal static class JsonResponse
{
    /// <summary>Writes a small, already serialized JSON document with its exact Content-Length.</summary>
    public static Task WriteAsync(HttpContext context, MemoryStream buffer, string contentType)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = buffer.Length;
        return HttpMethods.IsHead(context.Request.Method)
            ? Task.CompletedTask
            : response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).AsTask();
    }
}
