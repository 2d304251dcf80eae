namespace Berth.Server.Hosting;

/// <summary>
/// Endpoint metadata: how the endpoint's protocol writes a failure no handler expected, so that
/// <see cref="UnexpectedErrorHandler"/> answers in the format of the API that was called (AWS JSON's ServerException,
/// the Query protocol's XML) rather than guessing from a request header. An endpoint without it is a /v2/-style one
/// and gets the distribution-spec error body.
/// </summary>
/// <param name="write">Writes the error; its flag says whether a storage backend was unavailable (503) rather than a fault (500).</param>
internal sealed class UnexpectedErrorFace(Func<HttpContext, bool, Task> write)
{
    public Task WriteAsync(HttpContext context, bool unavailable) => write(context, unavailable);
}
