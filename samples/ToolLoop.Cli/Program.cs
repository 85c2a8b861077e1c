using ToolLoop.Cli;
using ToolLoop.Cli.Chat;

var code = await CliApp.RunAsync(args, CliConsole.FromSystemConsole()).ConfigureAwait(false);
GenAILifetime.Shutdown();
return code;
