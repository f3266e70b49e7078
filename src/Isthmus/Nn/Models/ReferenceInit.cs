using Isthmus.Space;

namespace Isthmus.Nn.Models;

/// <summary>Initialisation rules of the reference code's CIFAR models (timgaripov/dnn-mode-connectivity).</summary>
internal static class ReferenceInit
{
    /// <summary>
    /// He normal as VGG and PreResNet initialise their convolutions: N(0, 2/n) with n = k·k·out_channels
    /// (fan-out, not fan-in). <see cref="Layers.Conv2d"/> then sets the bias, if any, to zero.
    /// </summary>
    public static Init ConvHeNormal(long kernel, long outChannels) => Init.Normal(Math.Sqrt(2.0 / (kernel * kernel * outChannels)));
}
