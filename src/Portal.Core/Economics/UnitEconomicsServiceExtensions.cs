using Microsoft.Extensions.DependencyInjection;

namespace Portal.Core.Economics;

public static class UnitEconomicsServiceExtensions
{
    /// <summary>Hardware prices (<c>Economics</c>, validated at start-up) and the report behind the admin's economics page.</summary>
    public static IServiceCollection AddUnitEconomics(this IServiceCollection services)
    {
        services.AddOptions<EconomicsOptions>().BindConfiguration(EconomicsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<UnitEconomics>();
        return services;
    }
}
