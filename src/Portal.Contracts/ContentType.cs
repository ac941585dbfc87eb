namespace Portal.Models;

/// <summary>What kind of picture a model is meant for.</summary>
public enum ContentType
{
    Photo,
    Art,
}
