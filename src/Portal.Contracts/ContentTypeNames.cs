namespace Portal.Models;

/// <summary>How the product names each content type, so the lineup's sentences, the CLI and the pages agree.</summary>
public static class ContentTypeNames
{
    /// <summary>"Photo", "Art", "Text": the head of a refusal sentence ("Text x4 Fast is not offered.").</summary>
    public static string Title(ContentType content) => content switch
    {
        ContentType.Photo => "Photo",
        ContentType.Art => "Art",
        _ => "Text",
    };

    /// <summary>"Photos", "Art and anime", "Text and screenshots": headings and radio labels.</summary>
    public static string Heading(ContentType content) => content switch
    {
        ContentType.Photo => "Photos",
        ContentType.Art => "Art and anime",
        _ => "Text and screenshots",
    };

    /// <summary>"photos", "art and anime", "text and screenshots": inside sentences.</summary>
    public static string InSentence(ContentType content) => Heading(content).ToLowerInvariant();

    /// <summary>The CLI's and the API's word for it: photo, art, text.</summary>
    public static string Key(ContentType content) => content.ToString().ToLowerInvariant();
}
