using Portal.Web.Extensions;

var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    WebRootPath = PortalWebRoot.Locate(),
});
// Serve the static web assets from their source folders in every environment when running from a build
// (the top-level wwwroot/ and package assets); a published app has no runtime manifest and ignores this.
builder.WebHost.UseStaticWebAssets();
builder.AddPortalServices();

var app = builder.Build();
await app.PrepareDatabaseAsync();
app.UsePortalPipeline();
app.Run();

/// <summary>Entry point, public so integration tests can host the app with WebApplicationFactory.</summary>
public partial class Program;
