using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Portal.Core.Storage;

/// <summary>Registers the file store that <c>Storage:Provider</c> names (local disk unless configured).</summary>
public static class StorageServiceExtensions
{
    public static IServiceCollection AddFileStore(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidation>();
        services.AddSingleton<IFileStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            return options.Provider == StorageProvider.AzureBlob
                ? new AzureBlobFileStore(options.AzureBlob)
                : new LocalFileStore(sp.GetRequiredService<DataFolders>());
        });
        return services;
    }

    /// <summary>Names the missing or malformed key, so a bad configuration stops start-up with a useful message.</summary>
    private sealed class StorageOptionsValidation : IValidateOptions<StorageOptions>
    {
        public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
