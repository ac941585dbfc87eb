namespace Portal.Models;

/// <summary>A model package or file that cannot be imported; the message names the cause.</summary>
public sealed class ModelImportException(string message, Exception? inner = null) : Exception(message, inner);
