using System.CommandLine;
using Berth.Core.AuditTrail;
using Berth.Server.AuditTrail;

namespace Berth.Server.Hosting;

/// <summary>
/// <c>berth explain REQUEST-ID [--data DIR]</c>: finds the refused call in the audit trail and decides it again with
/// the evaluator's trace (<see cref="Explanation"/>): which statements of which policies (identity, repository,
/// registry) matched, which conditions failed and with what values. Exit codes: 0 explained, 1 no such request or
/// nothing to re-run, 2 cannot start.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create(Option<string?> data)
    {
        var requestId = new Argument<string>("REQUEST-ID") { Description = "The request id of the refused call (x-amzn-RequestId, or requestID in the audit trail)." };
        var command = new Command("explain", "Explain why a request was refused, from the audit trail: the policies' statements and conditions as evaluated.") { requestId, data };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(requestId)!, parse.GetValue(data), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string requestId, string? data, CancellationToken cancellationToken)
    {
        var app = await CommandHost.OpenAsync(data, verifyMasterKey: false, cancellationToken).ConfigureAwait(false);
        if (app is null)
        {
            return 2;
        }

        await using (app.ConfigureAwait(false))
        {
            var (denial, why) = await RecordedDenial.FindAsync(app.Services.GetRequiredService<IAuditTrailStore>(), requestId, cancellationToken).ConfigureAwait(false);
            if (denial is null)
            {
                await Console.Error.WriteLineAsync("berth: " + why).ConfigureAwait(false);
                return 1;
            }

            var result = await Explanation.RunAsync(app.Services, denial, cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteAsync(Explanation.Text(denial, result)).ConfigureAwait(false);
            return 0;
        }
    }
}
