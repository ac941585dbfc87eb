using System.CommandLine;

namespace Portal.Cli;

/// <summary>The <c>upscale</c> command.</summary>
internal static class UpscaleCommand
{
    public static Command Create()
    {
        var command = new Command("upscale", "Upscale one image file.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("'upscale' is not available yet.");
            return 2;
        });
        return command;
    }
}
