using Bunit;
using Portal.Web.Components.Shared;

namespace Portal.Tests.Components;

public sealed class UploadListShowsEachFile : ComponentTest
{
    [Fact]
    public void Uploading_ready_and_refused_files_each_show_their_state()
    {
        var uploading = new UploadItem("1", "sunset.jpg", 5_242_880, "blob:1") { Percent = 40 };
        var ready = new UploadItem("2", "cat.png", 20_480, "blob:2") { ImageId = Guid.NewGuid(), Width = 1200, Height = 800, Percent = 100 };
        var refused = new UploadItem("3", "notes.png", 10, "blob:3") { Error = "This file is not an image in a supported format." };
        var removed = new List<UploadItem>();

        var list = Render<UploadList>(p => p
            .Add(c => c.Items, [uploading, ready, refused])
            .Add(c => c.OnRemove, item => removed.Add(item)));

        var rows = list.FindAll("[data-testid=upload-item]");
        Assert.Equal(3, rows.Count);
        Assert.Contains("40% of 5.0 MB", rows[0].TextContent);
        Assert.Contains("Ready: 1,200 x 800 pixels, 20 KB", rows[1].TextContent);
        Assert.Contains("not an image", rows[2].QuerySelector("[data-testid=upload-error]")!.TextContent);
        Assert.Null(rows[0].QuerySelector("button"));

        rows[2].QuerySelector("button")!.Click();
        Assert.Equal([refused], removed);
    }

    [Fact]
    public void A_refused_file_shows_an_icon_instead_of_a_broken_preview()
    {
        var ready = new UploadItem("1", "cat.png", 20_480, "blob:1") { ImageId = Guid.NewGuid(), Width = 1200, Height = 800, Percent = 100 };
        var refused = new UploadItem("2", "notes.png", 10, "blob:2") { Error = "This file is not an image in a supported format." };

        var list = Render<UploadList>(p => p.Add(c => c.Items, [ready, refused]));

        var rows = list.FindAll("[data-testid=upload-item]");
        Assert.Equal("blob:1", rows[0].QuerySelector("img")!.GetAttribute("src"));
        Assert.Null(rows[1].QuerySelector("img"));
        Assert.NotNull(rows[1].QuerySelector("[data-testid=upload-refused-icon] svg"));
    }
}
