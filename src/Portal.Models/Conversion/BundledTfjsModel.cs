using System.Text;

namespace Portal.Models.Conversion;

/// <summary>
/// Reads a TF.js model that a package bundles as JavaScript modules instead of files (nsfwjs
/// 4.x: <c>model.min.js</c> exports the model.json as an object literal, each
/// <c>groupN-shard*.min.js</c> exports its weight shard as a base64 string). Nothing is executed:
/// the literal is rewritten as JSON token by token.
/// </summary>
internal static class BundledTfjsModel
{
    /// <summary>The model.json text of a bundled <c>model.min.js</c>.</summary>
    public static byte[] ModelJson(byte[] script, string displayName)
    {
        var text = Encoding.UTF8.GetString(script);
        var marker = text.IndexOf("exports={modelTopology:", StringComparison.Ordinal);
        if (marker < 0)
        {
            throw new ModelImportException($"{displayName}: no exported model literal (exports={{modelTopology:...}}) found.");
        }
        var start = marker + "exports=".Length;
        return Encoding.UTF8.GetBytes(ToJson(text, start, displayName));
    }

    /// <summary>The weight bytes of a bundled shard module: its one long base64 string literal.</summary>
    public static byte[] Shard(byte[] script, string displayName)
    {
        var text = Encoding.ASCII.GetString(script);
        var marker = text.IndexOf("exports=\"", StringComparison.Ordinal);
        var end = marker < 0 ? -1 : text.IndexOf('"', marker + 9);
        if (end < 0)
        {
            throw new ModelImportException($"{displayName}: no exported base64 string (exports=\"...\") found.");
        }
        try
        {
            return Convert.FromBase64String(text[(marker + 9)..end]);
        }
        catch (FormatException error)
        {
            throw new ModelImportException($"{displayName}: the exported weight string is not valid base64.", error);
        }
    }

    /// <summary>Rewrites the object literal starting at <paramref name="start"/> as JSON: quotes bare keys,
    /// turns <c>!0</c>/<c>!1</c> into true/false and gives numbers like <c>.5</c> their leading zero.</summary>
    internal static string ToJson(string text, int start, string displayName)
    {
        var json = new StringBuilder();
        var depth = 0;
        var i = start;
        while (i < text.Length)
        {
            var c = text[i];
            switch (c)
            {
                case '{' or '[':
                    depth++;
                    json.Append(c);
                    i++;
                    break;
                case '}' or ']':
                    depth--;
                    json.Append(c);
                    i++;
                    if (depth == 0)
                    {
                        return json.ToString();
                    }
                    break;
                case ',' or ':':
                    json.Append(c);
                    i++;
                    break;
                case '"':
                    var close = i + 1;
                    while (close < text.Length && text[close] != '"')
                    {
                        close += text[close] == '\\' ? 2 : 1;
                    }
                    if (close >= text.Length)
                    {
                        throw Error(displayName, i, "an unterminated string");
                    }
                    json.Append(text, i, close - i + 1);
                    i = close + 1;
                    break;
                case '!' when i + 1 < text.Length && text[i + 1] is '0' or '1':
                    json.Append(text[i + 1] == '0' ? "true" : "false");
                    i += 2;
                    break;
                case '-' or '.' or (>= '0' and <= '9'):
                    var numberEnd = i + 1;
                    while (numberEnd < text.Length && (char.IsAsciiDigit(text[numberEnd]) || text[numberEnd] is '.' or 'e' or 'E' or '+' or '-'))
                    {
                        numberEnd++;
                    }
                    var number = text[i..numberEnd];
                    if (number.StartsWith('.'))
                    {
                        number = "0" + number;
                    }
                    else if (number.StartsWith("-.", StringComparison.Ordinal))
                    {
                        number = "-0" + number[1..];
                    }
                    if (!double.TryParse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
                    {
                        throw Error(displayName, i, $"the number '{number}'");
                    }
                    json.Append(number);
                    i = numberEnd;
                    break;
                case var letter when char.IsAsciiLetter(letter) || letter is '_' or '$':
                    var wordEnd = i + 1;
                    while (wordEnd < text.Length && (char.IsAsciiLetterOrDigit(text[wordEnd]) || text[wordEnd] is '_' or '$'))
                    {
                        wordEnd++;
                    }
                    var word = text[i..wordEnd];
                    if (wordEnd < text.Length && text[wordEnd] == ':')
                    {
                        json.Append('"').Append(word).Append('"');
                    }
                    else if (word is "null" or "true" or "false")
                    {
                        json.Append(word);
                    }
                    else
                    {
                        throw Error(displayName, i, $"the expression '{word}' (only literals are read)");
                    }
                    i = wordEnd;
                    break;
                case ' ' or '\n' or '\r' or '\t':
                    i++;
                    break;
                default:
                    throw Error(displayName, i, $"the character '{c}'");
            }
        }
        throw Error(displayName, i, "the end of the file inside the literal");
    }

    private static ModelImportException Error(string displayName, int offset, string what) =>
        new($"{displayName}: cannot read the model literal: unexpected {what} at offset {offset:N0}.");
}
