using Portal.Training.Data;
using Portal.Training.Tests.Support;

namespace Portal.Training.Tests.Training;

/// <summary>`portal data faces`: faces of the training split only, cut the same way every time, with their licences.</summary>
public sealed class FaceSetBuilding
{
    [Fact]
    public void It_cuts_the_training_faces_only_and_twice_the_same()
    {
        using var data = new FaceDataSet();
        var first = data.Build();
        // The detector saw the three training photos and nothing else: never the held-out portrait.
        Assert.Equal(FaceDataSet.TrainPhotos.Count, data.Shown.Count);
        Assert.NotEmpty(first.Faces);
        Assert.All(first.Faces, f => Assert.StartsWith("train/", f.Source, StringComparison.Ordinal));
        Assert.DoesNotContain(first.Faces, f => f.Source.Contains(FaceDataSet.HeldOutPhoto, StringComparison.Ordinal));
        Assert.Contains(first.Faces, f => f.Source == "train/portrait-uniform.png");
        Assert.All(first.Faces, f => Assert.StartsWith("licence of ", f.Licence, StringComparison.Ordinal));
        var folder = FaceSet.FolderOf(data.DataRoot, FaceDataSet.Domain);
        foreach (var face in first.Faces)
        {
            var image = Portal.Models.Evaluation.RgbImage.Load(Path.Combine(folder, face.File));
            Assert.Equal((64, 64), (image.Width, image.Height));
            Assert.True(face.Box[2] >= 48, $"{face.File}: a {face.Box[2]} px face box would have been enlarged");
        }
        var bytes = first.Faces.Select(f => File.ReadAllBytes(Path.Combine(folder, f.File))).ToList();

        var second = data.Build();
        Assert.Equal(first.Faces.Select(f => (f.File, f.Sha256)), second.Faces.Select(f => (f.File, f.Sha256)));
        Assert.Equal(bytes, second.Faces.Select(f => File.ReadAllBytes(Path.Combine(folder, f.File))));
        Assert.Equal(first.Faces.Count, FaceSet.Load(data.DataRoot, FaceDataSet.Domain).Faces.Count);
    }

    [Fact]
    public void A_missing_domain_or_no_faces_is_refused_with_a_sentence()
    {
        using var data = new FaceDataSet(trainPhotos: ["coffee"]);
        var builder = new FaceSetBuilder(data.DataRoot, TextWriter.Null);
        var missing = Assert.Throws<TrainingException>(() => builder.Build("nowhere", 64, 48, "test", data.Detect));
        Assert.Contains("portal data build nowhere", missing.Message, StringComparison.Ordinal);
        var none = Assert.Throws<TrainingException>(() => builder.Build(FaceDataSet.Domain, 64, 48, "test", data.Detect));
        Assert.Contains("No usable faces in the 1 training images", none.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(FaceSet.FolderOf(data.DataRoot, FaceDataSet.Domain)), "a failed build left a face folder behind");
        var enlarging = Assert.Throws<TrainingException>(() => builder.Build(FaceDataSet.Domain, 64, 32, "test", data.Detect));
        Assert.Contains("would be enlarged", enlarging.Message, StringComparison.Ordinal);
        var unread = Assert.Throws<TrainingException>(() => FaceSet.Load(data.DataRoot, FaceDataSet.Domain));
        Assert.Contains("portal data faces portraits", unread.Message, StringComparison.Ordinal);
    }
}
