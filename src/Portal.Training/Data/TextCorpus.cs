using System.Globalization;
using Portal.Models.Degradation;

namespace Portal.Training.Data;

/// <summary>Prose and code to render: whole words cut from the given texts, numbers, dates.</summary>
public sealed class TextCorpus(string prose, IReadOnlyList<string> codeLines)
{
    private readonly string[] words = prose.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    public string Excerpt(SeededRandom random, int characters)
    {
        var start = random.NextInt(0, Math.Max(0, words.Length - 1));
        var text = new System.Text.StringBuilder();
        for (var i = start; text.Length < characters; i = (i + 1) % words.Length)
        {
            if (text.Length > 0) text.Append(' ');
            text.Append(words[i]);
        }
        return text.ToString();
    }

    public string Code(SeededRandom random, int lines)
    {
        var start = random.NextInt(0, Math.Max(0, codeLines.Count - lines));
        return string.Join('\n', codeLines.Skip(start).Take(lines).Select(l => l.Length > 70 ? l[..70] : l));
    }

    public string Number(SeededRandom random) => random.NextInt(0, 3) switch
    {
        0 => random.NextInt(0, 99999).ToString("N0", CultureInfo.InvariantCulture),
        1 => (random.NextDouble() * 1000).ToString("F2", CultureInfo.InvariantCulture) + " MB",
        2 => new DateOnly(2020, 1, 1).AddDays(random.NextInt(0, 2000)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        _ => random.NextInt(0, 100).ToString(CultureInfo.InvariantCulture) + "%",
    };
}
