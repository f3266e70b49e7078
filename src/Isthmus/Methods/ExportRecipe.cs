using Isthmus.Nn;
using Isthmus.Runs;
using Isthmus.Space;
using Isthmus.Storage;

namespace Isthmus.Methods;

/// <summary>
/// A train run's weights for PyTorch: the network is rebuilt from the manifest, loaded (names and shapes checked)
/// and written with every parameter and buffer, batch-norm counters included, so the file loads into the PyTorch
/// module of the same names with <c>load_state_dict(strict=True)</c>. <c>.pt</c>/<c>.pth</c>/<c>.bin</c> give a
/// torch.save zip, <c>.safetensors</c> a safetensors file.
/// </summary>
public static class ExportRecipe
{
    /// <summary>Writes <paramref name="to"/> from the train run at <paramref name="run"/>; returns the number of tensors written.</summary>
    public static int Run(string run, string to)
    {
        if (!StateDict.IsCheckpointFile(to))
            throw new IsthmusException($"--to {to} has no checkpoint extension; name it .pt, .pth or .bin (torch.save) or .safetensors.");
        var source = TrainedRun.Open(run);
        var data = source.Run!.Manifest.Data;
        var shape = data?.InputShape;
        var classes = data?.Classes;
        if (shape is null || classes is null)
            throw new IsthmusException($"{run}/manifest.json records no input shape or class count; the run folder is damaged.");
        using var net = ModelZoo.Build(source.Architecture, new DataShape(shape, classes.Value));
        net.Bind(WeightSpace.Create(net.Layout, 1));
        Checkpoint.Load(source.ModelPath, net);
        Checkpoint.Export(to, net);
        return net.Layout.Count + net.Buffers.Count;
    }
}
