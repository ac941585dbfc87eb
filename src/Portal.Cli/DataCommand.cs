using System.CommandLine;
using Portal.Training;
using Portal.Training.Data;

namespace Portal.Cli;

/// <summary><c>data build DOMAIN</c>: renders or collects a training domain into data/DOMAIN with a licence manifest.</summary>
internal static class DataCommand
{
    public static Command Create()
    {
        var command = new Command("data", "Build training data sets (never committed; each has a licence manifest and a fixed held-out split).");
        var domain = new Argument<string>("domain") { Description = $"The domain to build: {string.Join(", ", DatasetBuilder.Domains)}." };
        var pages = new Option<int>("--train") { Description = "Training images to make.", DefaultValueFactory = _ => 160 };
        var heldOut = new Option<int>("--heldout") { Description = "Held-out images to make (never used for training).", DefaultValueFactory = _ => 16 };
        var output = new Option<string?>("--data") { Description = "Data folder (default: data/ in the repository)." };
        var from = new Option<string>("--from")
        {
            Description = "Photo and art domains: where the Debian packages are (wallpapers; openclipart-png), \"/\" when installed or a folder they were unpacked into with dpkg-deb -x.",
            DefaultValueFactory = _ => "/",
        };
        var build = new Command("build", "Build one domain's training and held-out images.") { Arguments = { domain }, Options = { pages, heldOut, output, from } };
        build.SetAction((parseResult, cancellationToken) =>
        {
            var root = RepositoryRoot.Find();
            try
            {
                new DatasetBuilder(parseResult.GetValue(output) ?? Path.Combine(root, "data"), root, Console.Out, parseResult.GetValue(from)!)
                    .Build(parseResult.GetValue(domain)!, parseResult.GetValue(pages), parseResult.GetValue(heldOut));
                return Task.FromResult(0);
            }
            catch (TrainingException error)
            {
                Console.Error.WriteLine(error.Message);
                return Task.FromResult(2);
            }
        });
        command.Subcommands.Add(build);
        return command;
    }
}
