using System.Security.Cryptography;

namespace Isthmus.Nn;

/// <summary>
/// A network written in PyTorch and saved with <c>torch.jit.script(model).save(FILE)</c>, as an architecture
/// (<c>--model torchscript:FILE</c>). Its spec records the file's full path and SHA-256, so that every later command
/// rebuilds the same network and refuses a file that changed since. Loading runs TorchScript, i.e. the module's own
/// code: load files you trust, as you would import a Python module.
/// </summary>
public sealed class TorchScriptNetwork : ModuleNetwork
{
    /// <summary>The architecture name in specs and manifests.</summary>
    public const string Name = "torchscript";

    /// <summary>The prefix of <c>--model</c> that names a TorchScript file.</summary>
    public const string Prefix = Name + ":";

    public TorchScriptNetwork(ArchitectureSpec spec, DataShape data) : this(Load(spec), spec, data) { }

    private TorchScriptNetwork(jit.ScriptModule<Tensor, Tensor> module, ArchitectureSpec spec, DataShape data) : base(module, module.forward, spec, data) { }

    protected override string Describe(ArchitectureSpec spec) => spec.Get("file") ?? spec.ToString();

    protected override string FixAdvice => "save the model with torch.jit.script(model).save(FILE) instead of torch.jit.trace";

    /// <summary>The spec of a TorchScript file: <c>torchscript</c> with its full path and SHA-256 (file and sha256).</summary>
    public static ArchitectureSpec SpecFor(string file)
    {
        if (string.IsNullOrWhiteSpace(file))
            throw new IsthmusException("--model torchscript: needs the path of a TorchScript file, e.g. --model torchscript:model.pt.");
        var path = Path.GetFullPath(file);
        return new ArchitectureSpec(Name).With("file", path).With("sha256", Sha256(path));
    }

    private static jit.ScriptModule<Tensor, Tensor> Load(ArchitectureSpec spec)
    {
        var path = spec.Get("file") ?? throw new IsthmusException($"{spec} names no file; pass --model torchscript:FILE.");
        string actual = Sha256(path);
        if (spec.Get("sha256") is { } expected && !string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
            throw new IsthmusException($"{path} has changed since this run was made (SHA-256 {actual[..12]}… instead of {expected[..12]}…); restore the file the run used, or start a new run from the new file.");
        try
        {
            return jit.load<Tensor, Tensor>(path);
        }
        catch (Exception e) when (e is not IsthmusException)
        {
            throw new IsthmusException($"{path} is not a TorchScript module that TorchSharp can load ({e.Message.Split('\n')[0].Trim()}); save the model with torch.jit.script(model).save(FILE) (a state dict saved with torch.save is a checkpoint, not a network).", e);
        }
    }

    private static string Sha256(string path)
    {
        if (!File.Exists(path))
            throw new IsthmusException($"{path} does not exist; pass the TorchScript file the network was saved to (--model torchscript:FILE).");
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }
}
