using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Portal.Core.Accounts;
using Portal.Core.Billing;
using Portal.Core.Data;
using Portal.Core.Email;
using Portal.Core.Storage;
using Portal.Web.Components.Account;
using Portal.Web.Features.Billing;
using Portal.Web.Features.Health;
using Portal.Web.Features.Jobs;
using Portal.Web.Features.Models;
using Portal.Web.Features.Preferences;
using Portal.Web.Features.Security;

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
        builder.Services.AddSingleton<ModelFolder>();
        builder.Services.AddSingleton(sp => QualityReportSource.FromFolder(sp.GetRequiredService<ModelFolder>()));
        builder.Services.AddScoped<IThemePreferenceStore, ThemePreferences>();
        builder.Services.AddAccountFormRateLimit();
        builder.Services.AddPortalSecurityHeaders();
        builder.Services.AddPortalRateLimits();
        builder.Services.AddScoped<LimitedJobSubmissions>();
        builder.Services.AddUpscaling();
        builder.Services.AddBilling();
        builder.Services.AddHealthChecks()
            .AddDbContextCheck<PortalDbContext>("database")
            .AddCheck<ModelsHealthCheck>("models")
            .AddCheck<FileStoreHealthCheck>("storage");
        return builder;
    }

    private static void AddPortalOptions(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName)
            .Validate(o => o.Provider != DatabaseProvider.SqlServer || !string.IsNullOrWhiteSpace(o.ConnectionString),
                "Database:ConnectionString is required when Database:Provider is SqlServer.")
            .ValidateOnStart();
        builder.Services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName)
            .Validate(o => o.Emails.All(e => e.Contains('@')), "Admin:Emails must hold e-mail addresses.")
            .ValidateOnStart();
        builder.Services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<BillingOptions>().BindConfiguration(BillingOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        builder.Services.AddSingleton(sp => new DataFolders(
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataPath,
            sp.GetRequiredService<IHostEnvironment>().ContentRootPath));
    }

    private static void AddPortalDatabase(this WebApplicationBuilder builder)
    {
        // The factory serves components that live as long as a circuit (a context per load, never one per circuit);
        // the context itself stays a scoped service for requests, services and Identity.
        builder.Services.AddDbContextFactory<PortalDbContext>((services, options) =>
        {
            var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
            switch (database.Provider)
            {
                case DatabaseProvider.SqlServer:
                    options.UseSqlServer(database.ConnectionString,
                        sql => sql.MigrationsAssembly(DatabaseSetup.SqlServerMigrationsAssembly).EnableRetryOnFailure());
                    break;
                default:
                    var connection = string.IsNullOrWhiteSpace(database.ConnectionString)
                        ? SqliteConnection.For(services.GetRequiredService<DataFolders>().DatabaseFile)
                        : database.ConnectionString;
                    options.UseSqlite(connection, sqlite => sqlite.MigrationsAssembly(DatabaseSetup.SqliteMigrationsAssembly));
                    break;
            }
        }, ServiceLifetime.Scoped);
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
