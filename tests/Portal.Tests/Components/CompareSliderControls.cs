using Bunit;
using Portal.Web.Components.Shared;

namespace Portal.Tests.Components;

public sealed class CompareSliderControls : ComponentTest
{
    [Fact]
    public void Both_images_share_the_frame_with_their_labels_and_an_accessible_handle()
    {
        var slider = Render<CompareSlider>(p => p
            .Add(c => c.BeforeUrl, "api/images/a")
            .Add(c => c.AfterUrl, "api/jobs/b/result")
            .Add(c => c.AfterLabel, "Ultra 4x")
            .Add(c => c.Width, 1600)
            .Add(c => c.Height, 900));

        Assert.Equal("api/images/a", slider.Find("img[data-compare-before]").GetAttribute("src"));
        Assert.Equal("api/jobs/b/result", slider.Find("img[data-compare-after]").GetAttribute("src"));
        Assert.Contains("Ultra 4x", slider.Find(".compare-label-after").TextContent);
        Assert.Contains("aspect-ratio: 1600 / 900", slider.Find("[data-compare-viewport]").GetAttribute("style"));
        var handle = slider.Find("[data-testid=compare-handle]");
        Assert.Equal("slider", handle.GetAttribute("role"));
        Assert.Equal("0", handle.GetAttribute("tabindex"));
        Assert.Equal("50", handle.GetAttribute("aria-valuenow"));
        Assert.Single(JSInterop.Invocations, i => i.Identifier == "import" && Equals(i.Arguments[0], "./Components/Shared/CompareSlider.razor.js"));
        Assert.Single(JSInterop.Invocations, i => i.Identifier == "attach");
    }

    [Fact]
    public void Side_by_side_mode_and_zoom_buttons_drive_the_script()
    {
        var slider = Render<CompareSlider>(p => p.Add(c => c.BeforeUrl, "a").Add(c => c.AfterUrl, "b"));

        slider.Find("[data-testid=mode-side-by-side]").Click();
        slider.WaitForAssertion(() => Assert.Contains("side-by-side", slider.Find("[data-testid=compare]").ClassList));
        slider.Find("[data-testid=zoom-1to1]").Click();
        slider.Find("button[aria-label='Zoom in']").Click();

        slider.WaitForAssertion(() =>
        {
            Assert.Contains(JSInterop.Invocations, i => i.Identifier == "actualPixels");
            Assert.Contains(JSInterop.Invocations, i => i.Identifier == "zoomIn");
        });
        slider.Find("[data-testid=mode-slider]").Click();
        slider.WaitForAssertion(() => Assert.DoesNotContain("side-by-side", slider.Find("[data-testid=compare]").ClassList));
    }

    [Fact]
    public async Task Closing_the_slider_removes_its_listeners()
    {
        var slider = Render<CompareSlider>(p => p.Add(c => c.BeforeUrl, "a").Add(c => c.AfterUrl, "b"));
        slider.WaitForAssertion(() => Assert.Single(JSInterop.Invocations, i => i.Identifier == "attach"));
        Assert.DoesNotContain(JSInterop.Invocations, i => i.Identifier == "dispose");

        await slider.Instance.DisposeAsync();

        Assert.Single(JSInterop.Invocations, i => i.Identifier == "dispose");
    }
}
