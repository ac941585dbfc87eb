using MudBlazor;

namespace Portal.Web.Components.Layout;

/// <summary>The portal's MudBlazor theme: one palette for light and one for dark.</summary>
public static class PortalTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#4f46e5",
            Secondary = "#0ea5e9",
            Tertiary = "#f59e0b",
            AppbarBackground = "#1e1b4b",
            Background = "#f8fafc",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#818cf8",
            Secondary = "#38bdf8",
            Tertiary = "#fbbf24",
            AppbarBackground = "#111827",
            Background = "#0b1020",
            Surface = "#151b2e",
            DrawerBackground = "#111827",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["Inter", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
            },
        },
        LayoutProperties = new LayoutProperties { DefaultBorderRadius = "10px" },
    };
}
