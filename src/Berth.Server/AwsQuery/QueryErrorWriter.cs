using System.Xml;

namespace Berth.Server.AwsQuery;

/// <summary>
/// Writes a Query-protocol error: <c>&lt;ErrorResponse xmlns=…&gt;&lt;Error&gt;&lt;Type&gt;Sender&lt;/Type&gt;&lt;Code/&gt;
/// &lt;Message/&gt;&lt;/Error&gt;&lt;RequestId/&gt;&lt;/ErrorResponse&gt;</c> with the error shape's HTTP status.
/// </summary>
internal static class QueryErrorWriter
{
    public static async Task WriteAsync(HttpContext context, string xmlNamespace, int status, string code, string message, string requestId)
    {
        AuditTrail.AuditRecord.Of(context)?.Fail(code, message);
        var response = context.Response;
        if (response.HasStarted)
        {
            context.Abort();
            return;
        }

        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false) }))
        {
            xml.WriteStartElement("ErrorResponse", xmlNamespace);
            xml.WriteStartElement("Error");
            xml.WriteElementString("Type", status >= 500 ? "Receiver" : "Sender");
            xml.WriteElementString("Code", code);
            xml.WriteElementString("Message", message);
            xml.WriteEndElement();
            xml.WriteElementString("RequestId", requestId);
            xml.WriteEndElement();
        }

        response.StatusCode = status;
        response.ContentType = "text/xml";
        response.ContentLength = buffer.Length;
        await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).ConfigureAwait(false);
    }
}
