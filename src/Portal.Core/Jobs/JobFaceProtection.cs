using Portal.Models;

namespace Portal.Core.Jobs;

/// <summary>The job page's sentence on "Protect faces"; null where it does not apply to the job.</summary>
public static class JobFaceProtection
{
    public static string? Describe(UpscaleJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        return (job.FaceProtection, job.FacesProtected, job.FaceProtectionNote) switch
        {
            (null, _, _) => null,
            (FaceProtection.Off, _, _) => "Faces: not protected (turned off for this job); the GAN network drew them.",
            (_, _, { } note) => $"Faces: not protected. {note}",
            (_, null, _) => "Faces: protected; each face found is redrawn by the faithful network.",
            (_, 0, _) => "Faces: protected; no face was found in this image.",
            (_, 1, _) => "Faces: protected; 1 face was redrawn by the faithful network.",
            (_, { } count, _) => $"Faces: protected; {count} faces were redrawn by the faithful network.",
        };
    }
}
