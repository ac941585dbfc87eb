using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Portal.Core.Scaling;

/// <summary>The Redis relay of job events, only where <c>Redis:Configuration</c> is set.</summary>
public static class ScalingServiceExtensions
{
    public static IServiceCollection AddJobEventRelay(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RedisOptions>().BindConfiguration(RedisOptions.SectionName);
        if (string.IsNullOrWhiteSpace(configuration[$"{RedisOptions.SectionName}:{nameof(RedisOptions.Configuration)}"]))
        {
            return services;
        }

        services.AddSingleton<RedisJobEventRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<RedisJobEventRelay>());
        services.AddHealthChecks().AddCheck<RedisJobEventRelay>("redis");
        return services;
    }
}
