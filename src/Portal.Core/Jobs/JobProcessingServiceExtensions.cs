using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Portal.Core.Billing;
using Portal.Core.Storage;
using Portal.Engine;

namespace Portal.Core.Jobs;

/// <summary>What both hosts need to queue and run jobs: options, the engine, the file store, credits and the queue.</summary>
public static class JobProcessingServiceExtensions
{
    public static IServiceCollection AddJobProcessing(this IServiceCollection services)
    {
        services.AddOptions<JobOptions>().BindConfiguration(JobOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EngineSettings>().BindConfiguration(EngineSettings.SectionName).ValidateDataAnnotations()
            .Validate(s => ValidFaces(s.Faces), "Engine:Faces: MinFaceSize must be positive, DetectorInputSize a multiple of 32 from 32 to 2048, MaxAnalysisSide at least 64, Margin within 0..4 and Feather within 0..0.5.")
            .ValidateOnStart();
        services.AddOptions<BillingOptions>().BindConfiguration(BillingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddPortalStorage();
        services.AddSingleton<ModelFolder>();
        services.AddSingleton<JobEvents>();
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<EngineSettings>>().Value;
            var folders = sp.GetRequiredService<DataFolders>();
            return new ImageUpscaler(
                new EngineOptions
                {
                    ModelsDirectory = sp.GetRequiredService<ModelFolder>().Path,
                    ModelCacheDirectory = string.IsNullOrWhiteSpace(settings.ModelCachePath) ? Path.Combine(folders.Root, "model-cache") : settings.ModelCachePath,
                    UseGpu = settings.UseGpu,
                    GpuDeviceId = settings.GpuDeviceId,
                    CpuThreads = settings.CpuThreads,
                    CpuPrecision = settings.CpuPrecision,
                    Faces = settings.Faces,
                },
                sp.GetRequiredService<ILogger<ImageUpscaler>>());
        });
        services.AddScoped<CreditLedger>();
        services.AddScoped<JobQueue>();
        return services;
    }

    private static bool ValidFaces(Portal.Engine.Faces.FaceProtectionOptions faces)
    {
        try
        {
            faces.Validate();
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }
}
