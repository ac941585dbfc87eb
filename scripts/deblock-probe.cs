#:project ../src/Portal.Models/Portal.Models.csproj
#:property ManagePackageVersionsCentrally=false
// Blockiness of the real-world inputs alone, before and after JpegDeblocker at several strengths
// (docs/MODELS.md, "Degraded inputs"). Run from the repository root: dotnet run scripts/deblock-probe.cs
using Portal.Models.Evaluation;
using Portal.Models.Evaluation.Metrics;
using Portal.Models.Degradation;
using Portal.Models.Restoration;
var dir = args.Length > 0 ? args[0] : "models/evaluation/photos"; // run from the repository root
var images = EvaluationImage.LoadFolder(dir, _ => { });
foreach (var track in new[] { EvaluationTrack.Medium, EvaluationTrack.Heavy })
{
    var q = DegradationPresets.For(track.Strength()!.Value, 4).Final.JpegQuality!.Value;
    foreach (var strength in new[] { 0.0, 1, 2, 3, 4, 6 })
    {
        double sum = 0;
        foreach (var img in images)
        {
            var o = img with { Image = ModelEvaluator.CropToMultiple(img.Image, 4) };
            var input = track.MakeInput(o, 4);
            var x = strength == 0 ? input : JpegDeblocker.Apply(input, q, strength);
            sum += JpegBlockiness.Measure(x.Quantized(), 1);
        }
        Console.WriteLine($"{track} q{q} strength {strength}: input blockiness {sum / images.Count:F3}");
    }
}
