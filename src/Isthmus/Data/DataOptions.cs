namespace Isthmus.Data;

/// <summary>How <see cref="DataCatalog.Load"/> finds and places a data set.</summary>
/// <param name="Root">The data root: fetched sets live in <c>&lt;Root&gt;/&lt;name&gt;/</c>; for CIFAR, the folder
/// holding <c>cifar-10-batches-bin</c> / <c>cifar-100-binary</c> (or that folder itself).</param>
/// <param name="Val">When N &gt; 0, the last N training examples become the evaluation set instead of the test set
/// (the validation protocol of Garipov et al.'s reference code). For text, any N &gt; 0 selects the corpus'
/// validation split.</param>
/// <param name="Device">Where the tensors go; CPU when null.</param>
/// <param name="Subset">When N &gt; 0, train on only the first N training examples (after the validation hold-out):
/// quick experiments and tests on real data. For text, the first N training tokens (the vocabulary is still the whole
/// training split's). The evaluation set stays whole.</param>
public sealed record DataOptions(string Root, int Val = 0, Device? Device = null, int Subset = 0);
