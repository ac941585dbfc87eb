using System.CommandLine;

namespace Portal.Cli;

/// <summary>The <c>bench</c> command.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Measure throughput of every installed model.");
        command.SetAction(_ =>
        {
            Console.Error.WriteLine("'bench' is not available yet.");
            return 2;
        });
        return command;
    }
}
