using System.CommandLine;
using Portal.Models;
using Portal.Models.Analysis;

namespace Portal.Cli;

/// <summary><c>models analysis import</c>: converts the analysis networks (feature and face networks) into models/analysis/.</summary>
internal static class AnalysisNetworksCommand
{
    public static Command Create()
    {
        var command = new Command("analysis", "The analysis networks (deep features, face detection and recognition): never upscalers.");
        var import = new Command("import", "Fetch the pinned packages and convert the analysis networks into models/analysis/ with their manifest.");
        import.SetAction(async (parseResult, cancellationToken) =>
        {
            var store = ModelsCommand.OpenStore(parseResult);
            try
            {
                await AnalysisNetworks.ImportAsync(store.ModelsDirectory, store.CacheDirectory, Console.WriteLine, cancellationToken);
                return 0;
            }
            catch (ModelImportException error)
            {
                Console.Error.WriteLine("Import failed: " + error.Message);
                return 1;
            }
        });
        command.Subcommands.Add(import);
        return command;
    }
}
