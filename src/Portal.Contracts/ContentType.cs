namespace Portal.Models;

/// <summary>What kind of picture a model is meant for.</summary>
public enum ContentType
{
    Photo,
    Art,

    /// <summary>Text and screenshots: rendered glyphs, UI and code, where edges must stay sharp without ringing.</summary>
    Text,
}
