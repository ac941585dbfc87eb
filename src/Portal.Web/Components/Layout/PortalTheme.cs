using MudBlazor;

namespace Portal.Web.Components.Layout;

/// <summary>
/// The portal's MudBlazor theme: one palette for light and one for dark. Every text colour meets WCAG AA contrast
/// (4.5:1) on its background; the browser tests check it with axe-core on every page.
/// </summary>
public static class PortalTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#4f46e5",
            Secondary = "#0369a1", // white on it: 5.9:1 (the lighter #0ea5e9 gave 2.8:1)
            Tertiary = "#f59e0b",
            AppbarBackground = "#1e1b4b",
            Background = "#f8fafc",
            TextSecondary = "#5b6170", // 6.0:1 on the background
            // Status colours dark enough for white text on chips and buttons (MudBlazor's defaults give 2.1-3.7:1).
            Info = "#0277bd",
            Success = "#2e7d32",
            Warning = "#b45309",
            Error = "#c62828",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#818cf8",
            PrimaryContrastText = "#0b1020", // light buttons take dark text: 6.6:1 (white gave 3.0:1)
            Secondary = "#38bdf8",
            SecondaryContrastText = "#0b1020",
            InfoContrastText = "#0b1020",
            SuccessContrastText = "#0b1020",
            WarningContrastText = "#0b1020",
            ErrorContrastText = "#0b1020",
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
