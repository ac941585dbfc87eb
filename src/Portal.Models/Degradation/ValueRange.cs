using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Models.Degradation;

/// <summary>A closed interval to draw from; written as <c>[min, max]</c> in JSON recipes.</summary>
[JsonConverter(typeof(ValueRangeJsonConverter))]
public readonly record struct ValueRange(double Min, double Max)
{
    public bool IsValid => Min <= Max && double.IsFinite(Min) && double.IsFinite(Max);

    public override string ToString() => FormattableString.Invariant($"[{Min}, {Max}]");
}

/// <summary>Reads and writes <see cref="ValueRange"/> as a two-number array, like BasicSR's YAML options.</summary>
public sealed class ValueRangeJsonConverter : JsonConverter<ValueRange>
{
    public override ValueRange Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("A range is written as [min, max].");
        }
        var values = new List<double>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(reader.GetDouble());
        }
        if (values.Count != 2)
        {
            throw new JsonException($"A range is written as [min, max]; this one has {values.Count} number(s).");
        }
        return new ValueRange(values[0], values[1]);
    }

    public override void Write(Utf8JsonWriter writer, ValueRange value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        writer.WriteNumberValue(value.Min);
        writer.WriteNumberValue(value.Max);
        writer.WriteEndArray();
    }
}
