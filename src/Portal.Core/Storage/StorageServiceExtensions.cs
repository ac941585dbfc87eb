using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Portal.Core.Storage;

/// <summary>The data folder and the file store that <c>Storage:Provider</c> names (local disk unless configured).</summary>
public static class StorageServiceExtensions
{
    public static IServiceCollection AddPortalStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new DataFolders(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataPath,
            sp.GetRequiredService<IHostEnvironment>().ContentRootPath));
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
