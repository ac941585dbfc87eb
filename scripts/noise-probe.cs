#:project ../src/Portal.Engine/Portal.Engine.csproj
#:property ManagePackageVersionsCentrally=false
// Noise estimates of the clean track's inputs (the evaluation photos shrunk 4x) as they are and with seeded
// Gaussian noise added, colour (independent per channel) or grey (docs/MODELS.md, "Input condition").
// Run from the repository root: dotnet run scripts/noise-probe.cs
using Portal.Engine.Imaging.Condition;
using Portal.Models.Evaluation;

var dir = args.Length > 0 ? args[0] : "models/evaluation/photos";
var cases = new[] { (0.0, false), (4.0, false), (6.0, false), (6.0, true), (10.0, true) };
Console.WriteLine("photo | size | " + string.Join(" | ", cases.Select(c => c.Item1 == 0 ? "clean: per channel / served" : $"{(c.Item2 ? "grey" : "colour")} {c.Item1}: per channel / served")));
foreach (var image in EvaluationImage.LoadFolder(dir, _ => { }))
{
    var input = EvaluationTrack.Clean.MakeInput(image with { Image = ModelEvaluator.CropToMultiple(image.Image, 4) }, 4);
    var area = input.Width * input.Height;
    var line = $"{image.Name} | {input.Width}x{input.Height}";
    foreach (var (sigma, grey) in cases)
    {
        var random = new Random(7);
        var planes = new float[3][];
        var shared = new double[area];
        for (var i = 0; i < area; i++)
        {
            shared[i] = Gaussian(random);
        }

        for (var c = 0; c < 3; c++)
        {
            planes[c] = new float[area];
            for (var i = 0; i < area; i++)
            {
                var noise = sigma * (grey ? shared[i] : Gaussian(random));
                planes[c][i] = (float)Math.Clamp(Math.Round((input.Planes[(c * area) + i] * 255) + noise), 0, 255);
            }
        }

        var perChannel = planes.Average(p => NoiseEstimator.Estimate(p, input.Width, input.Height));
        var served = NoiseEstimator.EstimateRgb(planes[0], planes[1], planes[2], input.Width, input.Height);
        line += $" | {perChannel:F2} / {served:F2}";
    }

    Console.WriteLine(line);
}

static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
