namespace Isthmus.Platform;

/// <summary>What a process that uses Isthmus sets up before its first tensor, as the <c>isthmus</c> command does.</summary>
public static class Startup
{
    /// <summary>
    /// Short OpenMP spinning (<see cref="OpenMpPolicy.PreferShortSpinning"/>). Call once, at the start of <c>Main</c>,
    /// before any TorchSharp call.
    /// </summary>
    public static void Prepare()
    {
        OpenMpPolicy.PreferShortSpinning();
    }
}
