using Isthmus.Methods;
using Isthmus.Runs;

namespace Isthmus.Studies;

/// <summary>The folder of a study that trains its own runs: created (or resumed), its manifest naming the command line and settings.</summary>
internal static class StudyFolder
{
    public static RunDirectory Open(InvocationSettings s, string command, string outPath, bool resume)
    {
        var study = RunDirectory.Create(outPath, command, s.Force, resume);
        study.Manifest.Arguments = s.CommandLine;
        study.Manifest.Settings = s.ToManifest();
        study.SaveManifest();
        return study;
    }
}
