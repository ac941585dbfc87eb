using System.CommandLine;

namespace Portal.Cli;

/// <summary>The <c>models</c> command.</summary>
internal static class ModelsCommand
{
    public static Command Create()
    {
        var command = new Command("models", "Import, list and verify the super-resolution models.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("'models' is not available yet.");
            return 2;
        });
        return command;
    }
}
