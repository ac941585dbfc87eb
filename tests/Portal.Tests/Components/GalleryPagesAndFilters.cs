using System.Security.Claims;
using Bunit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Portal.Core.Accounts;
using Portal.Core.Data;
using Portal.Core.Jobs;
using Portal.Core.Uploads;
using Portal.Web.Components.Pages;

namespace Portal.Tests.Components;

/// <summary>The gallery page on a real (in-memory) SQLite database built by the real migrations.</summary>
public sealed class GalleryPagesAndFilters : ComponentTest
{
    private readonly SqliteConnection connection = new("Data Source=:memory:");
    private readonly string owner = Guid.NewGuid().ToString();
    private readonly string stranger = Guid.NewGuid().ToString();

    public GalleryPagesAndFilters()
    {
        using var db = AddMigratedDatabase(connection);
        Services.AddSingleton(TimeProvider.System);
        AddAuthorization().SetAuthorized("owner@example.test").SetClaims(new Claim(ClaimTypes.NameIdentifier, owner));
        Seed(db, owner, "owner", succeeded: 27, failed: 3);
        Seed(db, stranger, "stranger", succeeded: 5, failed: 0);
    }

    [Fact]
    public void The_first_page_shows_24_of_the_owners_jobs_and_never_anothers()
    {
        var gallery = Render<Gallery>();

        gallery.WaitForAssertion(() => Assert.Equal(24, gallery.FindAll("[data-testid=gallery-item]").Count));
        Assert.DoesNotContain("stranger-", gallery.Markup);
        Assert.Contains("owner-29.png", gallery.Markup); // newest first
        Assert.NotNull(gallery.Find(".mud-pagination"));
    }

    [Fact]
    public void Filtering_by_status_shows_only_those_jobs()
    {
        var gallery = Render<Gallery>();
        gallery.WaitForAssertion(() => Assert.Equal(24, gallery.FindAll("[data-testid=gallery-item]").Count));

        var select = gallery.FindComponent<MudBlazor.MudSelect<JobStatus?>>();
        gallery.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(JobStatus.Failed));

        gallery.WaitForAssertion(() => Assert.Equal(3, gallery.FindAll("[data-testid=gallery-item]").Count));
        Assert.All(gallery.FindAll("[data-testid=gallery-item]"), item => Assert.Contains("Failed", item.TextContent));
    }

    private static void Seed(PortalDbContext db, string userId, string prefix, int succeeded, int failed)
    {
        db.Users.Add(new PortalUser { Id = userId, UserName = $"{prefix}@example.test", Email = $"{prefix}@example.test" });
        var now = DateTime.UtcNow;
        for (var i = 0; i < succeeded + failed; i++)
        {
            var image = new StoredImage { Id = Guid.NewGuid(), UserId = userId, FileName = $"{prefix}-{i}.png", StorageKey = $"users/x/{i}.png", Width = 10, Height = 10, CreatedAt = now };
            db.Images.Add(image);
            db.Jobs.Add(new UpscaleJob
            {
                Id = Guid.NewGuid(),
                UserId = userId,
                ImageId = image.Id,
                BatchId = Guid.NewGuid(),
                ModelId = "m",
                Scale = 2,
                Status = i < failed ? JobStatus.Failed : JobStatus.Succeeded,
                CreatedAt = now.AddMinutes(i),
                ExpiresAt = now.AddDays(7),
            });
        }

        db.SaveChanges();
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        await connection.DisposeAsync();
    }
}
