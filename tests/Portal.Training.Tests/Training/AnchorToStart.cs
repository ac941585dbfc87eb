using Portal.Training.Tests.Support;

namespace Portal.Training.Tests.Training;

public sealed class AnchorToStart
{
    [Theory]
    [InlineData(1000.0, 0.0)]
    [InlineData(0.0, 1000.0)]
    public void A_heavily_anchored_run_stays_close_to_its_start_where_a_free_one_moves_away(double anchor, double startWeights)
    {
        using var data = new TinyDataSet();
        var startPath = Path.Combine(data.Root, "start.onnx");
        TinyNetwork.WriteStart(startPath, 11);
        var recipe = TinyDataSet.Recipe("anchored", steps: 20) with { InitFrom = startPath, EmaDecay = 0 };
        var free = new Trainer(recipe with { Name = "free" }, data.Options(), TextWriter.Null).Run();
        var anchored = new Trainer(recipe with { Losses = recipe.Losses with { Anchor = anchor, StartWeights = startWeights } }, data.Options(), TextWriter.Null).Run();

        var probe = TinyDataSet.Pattern(24, 77);
        var freeDistance = TinyNetwork.Distance(free.ModelPath, startPath, probe);
        var anchoredDistance = TinyNetwork.Distance(anchored.ModelPath, startPath, probe);
        Assert.True(freeDistance > 0.01, $"the free run moved its output by only {freeDistance:F5}; too little to compare");
        Assert.True(anchoredDistance < freeDistance * 0.25,
            $"the anchored run moved its output by {anchoredDistance:F5}, the free run by {freeDistance:F5}; expected under a quarter");
    }

    [Fact]
    public void An_anchor_without_a_start_and_a_misspelt_anchor_are_refused()
    {
        Assert.Contains("losses.anchor and losses.startWeights need initFrom",
            RecipeValidation.Load("""{ "name": "x", "architecture": { "type": "srvgg-compact" }, "data": { "domain": "photo" }, "losses": { "anchor": 1 } }""").Message);
        Assert.Contains("unknown key 'anchr'",
            RecipeValidation.Load("""{ "name": "x", "architecture": { "type": "srvgg-compact" }, "initFrom": "models/realesrgan-x4fast-x4.onnx", "data": { "domain": "photo" }, "losses": { "anchr": 1 } }""").Message);
        Assert.Contains("losses.startWeights must not be negative; it is -1.",
            RecipeValidation.Load("""{ "name": "x", "architecture": { "type": "srvgg-compact" }, "initFrom": "models/realesrgan-x4fast-x4.onnx", "data": { "domain": "photo" }, "losses": { "startWeights": -1 } }""").Message);
    }
}
