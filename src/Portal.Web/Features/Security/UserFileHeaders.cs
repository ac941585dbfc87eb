using Microsoft.Net.Http.Headers;

namespace Portal.Web.Features.Security;

/// <summary>
/// Headers for files people uploaded or the engine produced: whatever their bytes look like, a browser shows
/// them as the type the server names (nosniff is on every response), runs nothing in them (a sandboxed CSP
/// with no sources) and names them safely (RFC 6266 <c>filename</c> in ASCII plus RFC 5987 <c>filename*</c> in UTF-8).
/// </summary>
public static class UserFileHeaders
{
    /// <summary>Sets the sandbox policy and the disposition; the media type must come from the decoded format, never the upload's claim.</summary>
    public static void Apply(HttpResponse response, string fileName, bool attachment)
    {
        response.Headers.ContentSecurityPolicy = SecurityHeaders.FilePolicy;
        var disposition = new ContentDispositionHeaderValue(attachment ? "attachment" : "inline");
        disposition.SetHttpFileName(SafeName(fileName));
        response.Headers.ContentDisposition = disposition.ToString();
    }

    /// <summary>
    /// No control characters (header injection), quotes or path separators; what is left goes out as an ASCII
    /// fallback with the full name percent-encoded beside it.
    /// </summary>
    public static string SafeName(string fileName)
    {
        var clean = new string(fileName.Select(c => char.IsControl(c) ? ' ' : c switch { '"' => '\'', '/' or '\\' => '_', _ => c }).ToArray()).Trim();
        clean = string.Join(' ', clean.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return clean.Length == 0 || clean.StartsWith('.') ? "file" + clean : clean;
    }
}
