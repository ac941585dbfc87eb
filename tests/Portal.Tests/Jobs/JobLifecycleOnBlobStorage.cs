using Portal.Tests.Infrastructure;

namespace Portal.Tests.Jobs;

/// <summary>Every job-lifecycle test again with the files in blob storage (Azurite): uploads, results, ZIPs, retention.</summary>
public sealed class JobLifecycleOnBlobStorage(BlobPortalFactory factory) : JobLifecycle(factory), IClassFixture<BlobPortalFactory>;
