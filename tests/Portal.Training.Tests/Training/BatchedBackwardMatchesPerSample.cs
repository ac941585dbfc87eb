using Portal.Training.Tests.Support;

namespace Portal.Training.Tests.Training;

/// <summary>
/// With oneDNN turned off the trainer sends a whole batch through one forward/backward (about twice as fast as one
/// sample at a time on this machine, docs/TRAINING.md); it must learn exactly what the per-sample path learns.
/// </summary>
public sealed class BatchedBackwardMatchesPerSample
{
    [Fact]
    public void OneDnn_is_turned_off_in_the_libtorch_this_project_restores()
    {
        Assert.True(TorchRuntime.OneDnnDisabled);
    }

    [Fact]
    public void A_batched_run_has_the_losses_of_a_per_sample_run()
    {
        var recipe = TinyDataSet.Recipe("batched", steps: 8);
        using var batchedData = new TinyDataSet();
        var batched = new Trainer(recipe, batchedData.Options(), TextWriter.Null).Run();
        using var perSampleData = new TinyDataSet();
        var perSample = new Trainer(recipe, perSampleData.Options() with { PerSampleBackward = true }, TextWriter.Null).Run();

        Assert.Equal(8, batched.History.Count);
        // The same sums in another order: equal to float rounding, not bit for bit.
        foreach (var (a, b) in batched.History.Zip(perSample.History))
        {
            Assert.True(Math.Abs(a.Loss - b.Loss) < 1e-5, $"step {a.Step}: batched loss {a.Loss:G9}, per-sample {b.Loss:G9}");
        }
        // The check can fail: the losses change from step to step, so a path that skipped an update would show.
        Assert.NotEqual(batched.History[0].Loss, batched.History[^1].Loss);
    }
}
