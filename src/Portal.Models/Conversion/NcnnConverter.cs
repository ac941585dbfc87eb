namespace Portal.Models.Conversion;

/// <summary>Converts an ncnn model (.param text graph + .bin weights) to ONNX.</summary>
internal static class NcnnConverter
{
    public static ConvertedModel Convert(byte[] param, byte[] bin, int scale, string modelName) =>
        throw new ModelImportException($"{modelName}: the ncnn converter is not implemented yet.");
}
