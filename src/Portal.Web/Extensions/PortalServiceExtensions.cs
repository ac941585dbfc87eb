using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Portal.Core.Accounts;
using Portal.Core.Data;
using Portal.Core.Economics;
using Portal.Core.Email;
using Portal.Core.Jobs;
using Portal.Core.Scaling;
using Portal.Core.Storage;
using Portal.Web.Components.Account;
using Portal.Web.Features.Billing;
using Portal.Web.Features.Health;
using Portal.Web.Features.Jobs;
using Portal.Web.Features.Models;
using Portal.Web.Features.Preferences;
using Portal.Web.Features.Security;
using Portal.Web.Features.Telemetry;

namespace Portal.Web.Extensions;

/// <summary>Registers every service of the portal; Program.cs reads as a table of contents.</summary>
public static class PortalServiceExtensions
{
    public static WebApplicationBuilder AddPortalServices(this WebApplicationBuilder builder)
    {
        if (builder.Configuration.GetValue("Logging:Json", false))
        {
            builder.Logging.ClearProviders().AddJsonConsole(o => o.IncludeScopes = true);
        }

        builder.AddPortalOptions();
        builder.AddPortalDatabase();
        builder.AddPortalIdentity();

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp => QualityReportSource.FromFolder(sp.GetRequiredService<ModelFolder>()));
        builder.Services.AddScoped<IThemePreferenceStore, ThemePreferences>();
        builder.Services.AddAccountFormRateLimit();
        builder.Services.AddPortalSecurityHeaders();
        builder.Services.AddPortalRateLimits();
        builder.Services.AddScoped<LimitedJobSubmissions>();
        builder.Services.AddUpscaling();
        builder.Services.AddJobEventRelay(builder.Configuration);
        builder.Services.AddWebTelemetry(builder.Configuration);
        builder.Services.AddBilling();
        builder.Services.AddUnitEconomics();
        builder.Services.AddHealthChecks()
            .AddDbContextCheck<PortalDbContext>("database")
            .AddCheck<ModelsHealthCheck>("models")
            .AddCheck<FileStoreHealthCheck>("storage");
        return builder;
    }

    private static void AddPortalOptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName)
            .Validate(o => o.Emails.All(e => e.Contains('@')), "Admin:Emails must hold e-mail addresses.")
            .ValidateOnStart();
        builder.Services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
    }

    private static void AddPortalDatabase(this WebApplicationBuilder builder)
    {
        builder.Services.AddPortalDbContext();
        if (builder.Environment.IsDevelopment())
        {
            builder.Services.AddDatabaseDeveloperPageExceptionFilter();
        }

        builder.AddPortalDataProtection();
    }

    private static void AddPortalIdentity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.AddAuthorization();

        services.AddOptions<IdentityOptions>().Configure<IOptions<SecurityOptions>>((options, security) =>
        {
            options.Lockout.MaxFailedAccessAttempts = security.Value.MaxFailedLogins;
            options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(security.Value.LockoutMinutes);
        });
        services.AddIdentityCore<PortalUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = true;
                options.User.RequireUniqueEmail = true;
                options.Lockout.AllowedForNewUsers = true;
                options.Password.RequiredLength = 8;
                options.Stores.SchemaVersion = IdentitySchema.Version;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<PortalDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddErrorDescriber<PortalIdentityErrorDescriber>();

        // Check the security stamp on every request: a deleted or locked-out account's cookie stops working at once.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);
        services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/Account/Login";
            o.AccessDeniedPath = "/Account/AccessDenied";
            o.Cookie.Name = "portal.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
        });

        services.AddScoped<AdminRoleSeeder>();
        services.AddScoped<AccountEraser>();
        services.AddSingleton<IEmailSender<PortalUser>, PortalEmailSender>();
        services.AddSingleton<IMailTransport>(sp =>
            string.IsNullOrWhiteSpace(sp.GetRequiredService<IOptions<EmailOptions>>().Value.SmtpHost)
                ? ActivatorUtilities.CreateInstance<OutboxMailTransport>(sp)
                : ActivatorUtilities.CreateInstance<SmtpMailTransport>(sp));
    }
}
