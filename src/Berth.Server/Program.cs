using Berth.Server.Hosting;

return await BerthCommandLine.RunAsync(args).ConfigureAwait(false);
