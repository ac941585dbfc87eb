namespace Portal.Models.Conversion;

/// <summary>The result of converting one model: the ONNX bytes and what they cost to run.</summary>
public sealed record ConvertedModel(byte[] Onnx, int Scale, long Parameters, long FlopsPerInputPixel);
