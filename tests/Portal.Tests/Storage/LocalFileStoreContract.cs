using Portal.Core.Storage;

namespace Portal.Tests.Storage;

public sealed class LocalFileStoreContract : FileStoreContract, IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "upscale-portal-tests", Guid.NewGuid().ToString("N"));

    public LocalFileStoreContract() => Store = new LocalFileStore(new DataFolders(root, root));

    protected override IFileStore Store { get; }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
