namespace Portal.Engine.Imaging;

/// <summary>Process-wide libvips settings, applied once before the first image is touched.</summary>
internal static class VipsRuntime
{
    private static readonly Lazy<bool> Initialized = new(() =>
    {
        if (!NetVips.ModuleInitializer.VipsInitialized)
        {
            throw new InvalidOperationException("libvips could not be initialised.", NetVips.ModuleInitializer.Exception);
        }

        // Loaders not hardened against hostile files (ImageMagick, matload, ...) are refused outright.
        NetVips.NetVips.BlockUntrusted = true;

        // The operation cache keeps decoded images alive between jobs; every job here is a new file,
        // so caching only raises peak memory.
        NetVips.Cache.Max = 0;
        NetVips.Cache.MaxMem = 0;
        NetVips.Cache.MaxFiles = 0;
        return true;
    });

    public static void EnsureInitialized() => _ = Initialized.Value;
}
