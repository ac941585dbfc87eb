using System.CommandLine;
using Portal.Cli;

var root = new RootCommand("Upscale Portal command line: the upscaling engine and model tools without the web.");
root.Subcommands.Add(ModelsCommand.Create());
root.Subcommands.Add(UpscaleCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(DataCommand.Create());
return await root.Parse(args).InvokeAsync();
