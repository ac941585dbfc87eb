using Microsoft.Extensions.Options;
using Portal.Core.Jobs;

namespace Portal.Web.Features.Jobs;

/// <summary>The engine, storage, credits, jobs, the worker (where configured) and retention.</summary>
public static class JobsServiceExtensions
{
    public static IServiceCollection AddUpscaling(this IServiceCollection services)
    {
        services.AddJobProcessing();
        services.AddScoped<JobService>();
        services.AddHostedService<ConfiguredWorker>();
        services.AddSingleton<ResultRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<ResultRetention>());
        return services;
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
