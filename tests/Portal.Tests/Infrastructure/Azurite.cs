using System.Diagnostics;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// One Azurite blob service (the Azure Storage emulator from npm, installed in tools/azurite by scripts/test.sh)
/// for the whole test run, on a free loopback port, in memory; stopped when the test process ends.
/// Each test takes its own container, so tests never see each other's blobs.
/// </summary>
public static class Azurite
{
    // Azurite's documented development account: a public, well-known key that only works against the emulator.
    private const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly Lazy<int> Port = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string ConnectionString => ConnectionStringFor(Port.Value);

    /// <summary>A connection string to a loopback port where nothing listens: storage that is down.</summary>
    public static string Unreachable => ConnectionStringFor(LoopbackService.FreePort());

    public static string NewContainerName() => $"test-{Guid.NewGuid():N}";

    private static string ConnectionStringFor(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AccountKey};BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

    private static int Start()
    {
        var program = Path.Combine(RepositoryPaths.Root, "tools", "azurite", "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(program))
        {
            throw new InvalidOperationException($"Azurite is not installed at {program}: run scripts/test.sh, or `npm ci --prefix tools/azurite`.");
        }

        var port = LoopbackService.FreePort();
        var process = LoopbackService.Start(new ProcessStartInfo(program)
        {
            ArgumentList = { "--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--inMemoryPersistence", "--skipApiVersionCheck", "--loose", "--silent" },
        });
        LoopbackService.WaitUntilListening(process, port, TimeSpan.FromSeconds(60), "Azurite");
        return port;
    }
}
