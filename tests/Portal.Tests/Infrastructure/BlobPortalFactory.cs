namespace Portal.Tests.Infrastructure;

/// <summary>The portal with its files in blob storage (Azurite, a container of its own) instead of the data folder.</summary>
public class BlobPortalFactory : PortalFactory
{
    public BlobPortalFactory()
        : this(Azurite.ConnectionString)
    {
    }

    protected BlobPortalFactory(string connectionString)
    {
        Container = Azurite.NewContainerName();
        Settings["Storage:Provider"] = "AzureBlob";
        Settings["Storage:AzureBlob:ConnectionString"] = connectionString;
        Settings["Storage:AzureBlob:Container"] = Container;
    }

    public string Container { get; }

    public string ConnectionString => Settings["Storage:AzureBlob:ConnectionString"];
}

/// <summary>The portal configured for blob storage that cannot be reached (nothing listens on its port).</summary>
public sealed class UnreachableBlobPortalFactory : BlobPortalFactory
{
    public UnreachableBlobPortalFactory()
        : base(Azurite.Unreachable)
    {
        Settings["Storage:AzureBlob:MaxRetries"] = "0";
        Settings["Storage:AzureBlob:NetworkTimeoutSeconds"] = "5";
    }
}
