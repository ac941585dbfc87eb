using TorchSharp;

namespace Portal.Training;

/// <summary>Loads libtorch once and picks the device a recipe asks for, with errors a person can act on.</summary>
public static class TorchRuntime
{
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
}
