namespace Portal.Core.Storage;

/// <summary>The file store could not be reached (network, outage, credentials): nothing was stored.</summary>
public sealed class StorageUnavailableException(string message, Exception inner) : IOException(message, inner);
