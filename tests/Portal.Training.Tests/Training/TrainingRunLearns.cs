using Portal.Training.Tests.Support;

namespace Portal.Training.Tests.Training;

public sealed class TrainingRunLearns
{
    [Fact]
    public void A_tiny_run_lowers_its_loss_and_exports_a_model()
    {
        using var data = new TinyDataSet();
        var result = new Trainer(TinyDataSet.Recipe("learns", steps: 60), data.Options(), TextWriter.Null).Run();
        var first = result.History.Take(10).Average(h => h.L1);
        var last = result.History.TakeLast(10).Average(h => h.L1);
        Assert.True(last < first * 0.8, $"L1 went from {first:F4} to {last:F4}; expected a fall of at least 20%.");
        Assert.True(File.Exists(result.ModelPath));
        Assert.True(File.Exists(Path.Combine(result.RunFolder, "loss.csv")));
    }

    [Fact]
    public void A_tiny_run_on_the_feature_loss_alone_lowers_it()
    {
        using var data = new TinyDataSet();
        var recipe = TinyDataSet.Recipe("feature", steps: 40) with
        {
            Data = new DataRecipe { Domain = "tiny", CropSize = 32, CleanFraction = 0.5, JpegQuality = [60, 90] },
            Losses = new LossRecipe { L1 = 0, Feature = 1 },
        };
        var result = new Trainer(recipe, data.Options(), TextWriter.Null).Run();
        // With L1 weighted 0 the loss is the feature distance alone.
        var first = result.History.Take(8).Average(h => h.Loss);
        var last = result.History.TakeLast(8).Average(h => h.Loss);
        Assert.True(first > 0.01, $"the feature loss starts at {first:F4}; too small to show learning");
        Assert.True(last < first * 0.8, $"the feature loss went from {first:F4} to {last:F4}; expected a fall of at least 20%.");
    }

    [Fact]
    public void A_tiny_run_on_the_squared_error_alone_lowers_it_and_the_l1_with_it()
    {
        using var data = new TinyDataSet();
        var recipe = TinyDataSet.Recipe("mse", steps: 60) with { Losses = new LossRecipe { L1 = 0, Mse = 1 } };
        var result = new Trainer(recipe, data.Options(), TextWriter.Null).Run();
        // With L1 weighted 0 the loss is the mean squared error alone; L1 is still recorded beside it.
        var (firstLoss, lastLoss) = (result.History.Take(10).Average(h => h.Loss), result.History.TakeLast(10).Average(h => h.Loss));
        var (firstL1, lastL1) = (result.History.Take(10).Average(h => h.L1), result.History.TakeLast(10).Average(h => h.L1));
        Assert.True(firstLoss < firstL1, $"the loss {firstLoss:F5} should be the squared error, below the L1 {firstL1:F5} on [0, 1] pixels");
        Assert.True(lastLoss < firstLoss * 0.85, $"the squared error went from {firstLoss:F5} to {lastLoss:F5}; expected a fall of at least 15%.");
        Assert.True(lastL1 < firstL1, $"L1 went from {firstL1:F4} to {lastL1:F4} while the squared error fell");
    }

    [Fact]
    public void An_interrupted_run_resumes_exactly()
    {
        using var straight = new TinyDataSet();
        var recipe = TinyDataSet.Recipe("resume", steps: 10, gan: 0.1);
        var uninterrupted = new Trainer(recipe, straight.Options(), TextWriter.Null).Run();

        using var interrupted = new TinyDataSet();
        var firstHalf = new Trainer(recipe, interrupted.Options(stopAt: 6), TextWriter.Null).Run();
        Assert.Equal(6, firstHalf.Step);
        var halfWayModel = File.ReadAllBytes(firstHalf.ModelPath);
        var resumed = new Trainer(recipe, interrupted.Options(resume: true), TextWriter.Null).Run();

        Assert.Equal(uninterrupted.History.Select(h => h.Loss), resumed.History.Select(h => h.Loss));
        Assert.Equal(File.ReadAllBytes(uninterrupted.ModelPath), File.ReadAllBytes(resumed.ModelPath));
        // And the check can fail: the half-way export differs from the final one.
        Assert.NotEqual(halfWayModel, File.ReadAllBytes(resumed.ModelPath));
    }

    [Fact]
    public void A_run_folder_with_a_checkpoint_is_not_overwritten_without_resume()
    {
        using var data = new TinyDataSet();
        var recipe = TinyDataSet.Recipe("guarded", steps: 4);
        new Trainer(recipe, data.Options(stopAt: 2), TextWriter.Null).Run();
        var error = Assert.Throws<TrainingException>(() => new Trainer(recipe, data.Options(), TextWriter.Null).Run());
        Assert.Contains("already holds a checkpoint at step 2; pass --resume", error.Message);
    }

    [Fact]
    public void A_missing_data_set_is_refused_naming_it_and_the_command_that_builds_it()
    {
        using var data = new TinyDataSet();
        var recipe = TinyDataSet.Recipe("missing", steps: 2) with { Data = new DataRecipe { Domain = "screenshots", CropSize = 16 } };
        var error = Assert.Throws<TrainingException>(() => new Trainer(recipe, data.Options(), TextWriter.Null).Run());
        Assert.Contains("The data set 'screenshots' is missing", error.Message);
        Assert.Contains("portal data build screenshots", error.Message);
    }
}
