namespace Isthmus.Data;

/// <summary>
/// Per-channel mean and standard deviation of pixel values in [0, 1]: images are stored as (x − mean) / std, as
/// torchvision's <c>Normalize</c> after <c>ToTensor</c> does.
/// </summary>
public sealed record Normalization(float[] Mean, float[] Std)
{
    /// <summary>MNIST training-set statistics, the values of the PyTorch MNIST example.</summary>
    public static Normalization Mnist { get; } = new([0.1307f], [0.3081f]);

    /// <summary>Fashion-MNIST training-set statistics.</summary>
    public static Normalization FashionMnist { get; } = new([0.2860f], [0.3530f]);

    /// <summary>CIFAR-10 training-set per-channel statistics (R, G, B).</summary>
    public static Normalization Cifar10 { get; } = new([0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]);

    /// <summary>CIFAR-100 training-set per-channel statistics (R, G, B).</summary>
    public static Normalization Cifar100 { get; } = new([0.5071f, 0.4865f, 0.4409f], [0.2673f, 0.2564f, 0.2762f]);

    /// <summary>Number of channels the statistics describe.</summary>
    public int Channels => Mean.Length;

    /// <summary>The stored value of a black pixel in each channel: what zero padding of the raw image becomes.</summary>
    public float[] Black() => Mean.Zip(Std, (m, s) => -m / s).ToArray();
}
