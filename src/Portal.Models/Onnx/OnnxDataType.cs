namespace Portal.Models.Onnx;

/// <summary>The ONNX TensorProto.DataType values this project writes.</summary>
internal enum OnnxDataType
{
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int32 = 6,
    Int64 = 7,
    Float16 = 10,
}
