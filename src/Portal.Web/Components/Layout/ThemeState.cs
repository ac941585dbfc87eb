namespace Portal.Web.Components.Layout;

/// <summary>The page's colour scheme, shared by the layout and anything that draws its own colours.</summary>
public sealed class ThemeState(bool dark)
{
    public bool Dark { get; private set; } = dark;

    public event Action? Changed;

    public void Set(bool dark)
    {
        if (Dark == dark)
        {
            return;
        }

        Dark = dark;
        Changed?.Invoke();
    }
}
