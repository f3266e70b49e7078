namespace Isthmus.Data;

/// <summary>Which CIFAR release a folder holds; they differ in file names and in the label bytes of a record.</summary>
public enum CifarVariant
{
    /// <summary>CIFAR-10: <c>cifar-10-batches-bin/</c>, records of one label byte and 3072 pixel bytes.</summary>
    Cifar10,

    /// <summary>CIFAR-100: <c>cifar-100-binary/</c>, records of a coarse and a fine label byte and 3072 pixel bytes.</summary>
    Cifar100,
}
