using System.CommandLine;
using Berth.Core.AuditTrail;
using Berth.Server.AuditTrail;

namespace Berth.Server.Hosting;

/// <summary>
/// <c>berth explain REQUEST-ID... [--data DIR]</c>: finds each refused call in the audit trail and decides it again
/// with the evaluator's trace (<see cref="Explanation"/>): which statements of which policies (identity, repository,
/// registry, a role's trust policy) matched, which conditions failed and with what values. Several ids are explained
/// in turn, separated by a blank line. Exit codes: 0 all explained, 1 some request not found or nothing to re-run
/// (the others are still explained), 2 cannot start.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create(Option<string?> data)
    {
        var requestIds = new Argument<string[]>("REQUEST-ID")
        {
            Description = "The request id of a refused call (x-amzn-RequestId, or requestID in the audit trail); several may be given.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("explain", "Explain why a request was refused, from the audit trail: the policies' statements and conditions as evaluated.") { requestIds, data };
        command.SetAction((parse, cancellationToken) => RunAsync(parse.GetValue(requestIds)!, parse.GetValue(data), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string[] requestIds, string? data, CancellationToken cancellationToken)
    {
        var app = await CommandHost.OpenAsync(data, verifyMasterKey: false, cancellationToken).ConfigureAwait(false);
        if (app is null)
        {
            return 2;
        }

        await using (app.ConfigureAwait(false))
        {
            var exitCode = 0;
            var first = true;
            foreach (var requestId in requestIds)
            {
                var (denial, why) = await RecordedDenial.FindAsync(app.Services.GetRequiredService<IAuditTrailStore>(), requestId, cancellationToken).ConfigureAwait(false);
                if (denial is null)
                {
                    await Console.Error.WriteLineAsync("berth: " + why).ConfigureAwait(false);
                    exitCode = 1;
                    continue;
                }

                var result = await Explanation.RunAsync(app.Services, denial, cancellationToken).ConfigureAwait(false);
                await Console.Out.WriteAsync((first ? "" : "\n") + Explanation.Text(denial, result)).ConfigureAwait(false);
                first = false;
            }

            return exitCode;
        }
    }
}
