using System.Runtime.InteropServices;
using TorchSharp;

namespace Portal.Training;

/// <summary>Loads libtorch once and picks the device a recipe asks for, with errors a person can act on.</summary>
public static class TorchRuntime
{
    private static readonly Lazy<bool> OneDnnOff = new(TurnOffOneDnn);

    public static torch.Device Device(string name)
    {
        switch (name)
        {
            case "cpu":
                return torch.CPU;
            case "cuda":
                if (!torch.cuda.is_available())
                {
                    throw new TrainingException(
                        "--device cuda was asked for, but libtorch reports no CUDA device. The CPU libtorch package is the one " +
                        "this project restores; install a CUDA build of libtorch (TorchSharp-cuda-linux) on a machine with an NVIDIA GPU.");
                }
                return torch.CUDA;
            default:
                throw new TrainingException($"Unknown device '{name}'; use cpu or cuda.");
        }
    }

    /// <summary>
    /// Routes CPU convolutions away from oneDNN (what Python's <c>torch.backends.mkldnn.enabled = False</c> does):
    /// libtorch 2.10's oneDNN convolution backward returns NaN gradients now and then on this machine's CPU
    /// (docs/TRAINING.md), while the native path is exact. TorchSharp 0.107 has no binding for the switch, so this
    /// calls libtorch's own exported <c>at::globalContext().setUserEnabledMkldnn(false)</c>. False where the
    /// library or the symbol is missing (another libtorch build): the trainer then falls back to one sample per backward.
    /// </summary>
    public static bool OneDnnDisabled => OneDnnOff.Value;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GlobalContext();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void SetFlag(IntPtr context, byte value);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate byte GetFlag(IntPtr context);

    private static bool TurnOffOneDnn()
    {
        torch.InitializeDeviceType(DeviceType.CPU); // TorchSharp loads libtorch first
        var folder = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? AppContext.BaseDirectory;
        string[] candidates = [Path.Combine(folder, "libtorch_cpu.so"), Path.Combine(folder, "runtimes", "linux-x64", "native", "libtorch_cpu.so"), "libtorch_cpu.so"];
        foreach (var candidate in candidates)
        {
            if (!NativeLibrary.TryLoad(candidate, out var library))
            {
                continue;
            }
            if (!NativeLibrary.TryGetExport(library, "_ZN2at13globalContextEv", out var globalContext)
                || !NativeLibrary.TryGetExport(library, "_ZN2at7Context20setUserEnabledMkldnnEb", out var setEnabled)
                || !NativeLibrary.TryGetExport(library, "_ZNK2at7Context17userEnabledMkldnnEv", out var getEnabled))
            {
                return false;
            }
            var context = Marshal.GetDelegateForFunctionPointer<GlobalContext>(globalContext)();
            Marshal.GetDelegateForFunctionPointer<SetFlag>(setEnabled)(context, 0);
            return Marshal.GetDelegateForFunctionPointer<GetFlag>(getEnabled)(context) == 0;
        }
        return false;
    }
}
