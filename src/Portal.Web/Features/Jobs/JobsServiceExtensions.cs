using Microsoft.Extensions.Options;
using Portal.Core.Billing;
using Portal.Core.Jobs;
using Portal.Core.Storage;
using Portal.Engine;
using Portal.Web.Features.Models;

namespace Portal.Web.Features.Jobs;

/// <summary>The engine, storage, credits, jobs and the worker.</summary>
public static class JobsServiceExtensions
{
    public static IServiceCollection AddUpscaling(this IServiceCollection services)
    {
        services.AddOptions<JobOptions>().BindConfiguration(JobOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EngineSettings>().BindConfiguration(EngineSettings.SectionName).ValidateDataAnnotations()
            .Validate(s => ValidFaces(s.Faces), "Engine:Faces: MinFaceSize must be positive, DetectorInputSize a multiple of 32 from 32 to 2048, MaxAnalysisSide at least 64, Margin within 0..4 and Feather within 0..0.5.")
            .ValidateOnStart();
        services.AddFileStore();
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
        services.AddScoped<JobService>();
        services.AddHostedService<ConfiguredWorker>();
        services.AddSingleton<ResultRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<ResultRetention>());
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

    /// <summary>Starts the worker only where <c>Jobs:RunWorker</c> is on, so web-only nodes can share the queue.</summary>
    private sealed class ConfiguredWorker(IServiceProvider services, IOptions<JobOptions> options) : IHostedService
    {
        private UpscaleWorker? worker;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (!options.Value.RunWorker)
            {
                return Task.CompletedTask;
            }

            worker = ActivatorUtilities.CreateInstance<UpscaleWorker>(services);
            return worker.StartAsync(cancellationToken);
        }

        public Task StopAsync(CancellationToken cancellationToken) => worker?.StopAsync(cancellationToken) ?? Task.CompletedTask;
    }
}
