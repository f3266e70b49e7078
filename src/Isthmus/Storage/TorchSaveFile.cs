using System.Collections;
using TorchSharp.PyBridge;

namespace Isthmus.Storage;

/// <summary>
/// PyTorch's <c>torch.save(model.state_dict(), path)</c> files (<c>.pt</c>, <c>.pth</c>, <c>.bin</c>): a zip holding
/// <c>data.pkl</c>, a pickle of name → tensor, and one raw storage file per tensor. Read and written in .NET by
/// TorchSharp.PyBridge; nothing in the file is executed. Its unpickler rebuilds only tensors
/// (<c>torch._utils._rebuild_tensor_v2</c> and the storage types), <c>collections.OrderedDict</c> and plain
/// Python values; any other class the pickle names becomes an inert record, so a file is accepted only if it
/// unpickles to a mapping from names to tensors. Refused: whole pickled models (<c>torch.save(model)</c>),
/// training checkpoints that wrap the state dict with other values, TorchScript archives, and the legacy
/// (pre-1.6, non-zip) format. The reader trusts the shapes the pickle records, so a crafted file can ask for
/// a large allocation, but it cannot run code.
/// </summary>
public static class TorchSaveFile
{
    /// <summary>Reads a state dict; every problem with the file is one <see cref="IsthmusException"/> sentence.</summary>
    public static StateDict Read(string path)
    {
        if (!File.Exists(path))
            throw new IsthmusException($"{path} does not exist; check the path of the checkpoint.");
        CheckContainer(path);
        Hashtable table;
        try
        {
            using var stream = File.OpenRead(path);
            table = PyTorchUnpickler.UnpickleStateDict(stream);
        }
        catch (Exception e) when (Mentions(e, "entire model"))
        {
            throw new IsthmusException($"{path} holds a whole pickled model, which Isthmus does not unpickle; save only its weights with torch.save(model.state_dict(), path).", e);
        }
        catch (InvalidCastException e)
        {
            throw new IsthmusException($"{path} holds a pickled object that is not a state dict; save the weights with torch.save(model.state_dict(), path).", e);
        }
        catch (Exception e) when (e is not IsthmusException and not OutOfMemoryException)
        {
            throw new IsthmusException($"{path} cannot be read as a torch.save state dict ({e.Message}); re-save it with torch.save(model.state_dict(), path).", e);
        }
        return ToStateDict(table, path);
    }

    /// <summary>Writes tensors as a zip that <c>torch.load</c> reads into a dict for <c>load_state_dict</c>.</summary>
    public static void Write(string path, IEnumerable<(string Name, Tensor Tensor)> tensors)
    {
        var copies = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, tensor) in tensors) copies[name] = tensor.detach().cpu().contiguous().clone();
            AtomicFile.Write(path, s => PyTorchPickler.PickleStateDict(s, copies, leaveOpen: true));
        }
        finally
        {
            foreach (var t in copies.Values) t.Dispose();
        }
    }

    // The zip layout says what the file is before anything is unpickled.
    private static void CheckContainer(string path)
    {
        Span<byte> head = stackalloc byte[4];
        using (var s = File.OpenRead(path))
            if (s.Read(head) < 4 || head[0] != 'P' || head[1] != 'K' || head[2] != 3 || head[3] != 4)
                throw new IsthmusException(head[0] == 0x80
                    ? $"{path} is in PyTorch's legacy (pre-1.6) format, which Isthmus does not read; load it in PyTorch and re-save it with torch.save(model.state_dict(), path)."
                    : $"{path} is not a torch.save zip file; pass a state dict saved by torch.save (.pt, .pth, .bin) or a .safetensors file.");
        using var zip = System.IO.Compression.ZipFile.OpenRead(path);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        if (names.Any(n => n.EndsWith("/constants.pkl", StringComparison.Ordinal) || n.Contains("/code/", StringComparison.Ordinal)))
            throw new IsthmusException($"{path} is a TorchScript module, not a state dict; pass it as --model torchscript:{path}, or save its weights with torch.save(model.state_dict(), path).");
        if (!names.Any(n => n.EndsWith("data.pkl", StringComparison.Ordinal)))
            throw new IsthmusException($"{path} is a zip file without data.pkl, not a torch.save file; pass a state dict saved by torch.save.");
    }

    private static StateDict ToStateDict(Hashtable table, string path)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in table)
        {
            if (entry.Key is string name && entry.Value is Tensor t) { tensors[name] = t.DetachFromDisposeScope(); continue; }
            foreach (var kept in tensors.Values) kept.Dispose();
            foreach (var v in table.Values) (v as Tensor)?.Dispose();
            var what = entry.Value is null ? "None" : entry.Value.GetType().Name;
            throw new IsthmusException($"{path} is a dictionary whose entry '{entry.Key}' is a {what}, not a tensor; if it is a training checkpoint, save only the model's weights with torch.save(model.state_dict(), path).");
        }
        // Hashtable keeps no order; sorted names make every message and listing the same from run to run.
        var names = tensors.Keys.Order(StringComparer.Ordinal).ToList();
        return new StateDict(path, names, tensors);
    }

    private static bool Mentions(Exception e, string text)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
            if (x.Message.Contains(text, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
