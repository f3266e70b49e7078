using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Isthmus.Data;

/// <summary>
/// Labelled images in folders, as torchvision's <c>ImageFolder</c> reads them: <c>DIR/train/&lt;class&gt;/*.png</c> and
/// <c>DIR/test/&lt;class&gt;/*.jpg</c>, classes numbered by the sorted names of the training sub-folders. PNG and JPEG
/// are decoded by SixLabors.ImageSharp; other files are skipped. A set whose every pixel is grey has one channel,
/// otherwise three (RGB). All images must share one size; the checksum is one SHA-256 over every file's path and hash.
/// </summary>
public static class ImageFolderReader
{
    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    /// <summary>Reads the folder as a <see cref="DataBundle"/> normalised with the training split's statistics (<see cref="OwnImages"/>).</summary>
    public static DataBundle Load(string name, string dir, DataOptions options)
    {
        if (!Directory.Exists(dir))
            throw new IsthmusException($"{dir} is not a folder; pass --data folder:DIR with DIR/train/<class>/ and DIR/test/<class>/ holding PNG or JPEG images.");
        var classes = ClassFolders(dir, "train");
        var testClasses = ClassFolders(dir, "test");
        if (testClasses.FirstOrDefault(c => !classes.Contains(c)) is { } stray)
            throw new IsthmusException($"{Path.Combine(dir, "test", stray)} is a class with no folder under {Path.Combine(dir, "train")}; give every test class training images too.");
        var train = Files(dir, "train", classes, requireEach: true);
        var test = Files(dir, "test", classes, requireEach: false);
        if (test.Count == 0)
            throw new IsthmusException($"{Path.Combine(dir, "test")} holds no PNG or JPEG images; put the test images in its class sub-folders.");

        var pixels = new List<Rgb24[]>(train.Count + test.Count);
        var files = train.Concat(test).ToList();
        (int W, int H, string File)? size = null;
        foreach (var (file, _) in files)
        {
            using var image = Decode(file);
            if (size is { } s && (s.W != image.Width || s.H != image.Height))
                throw new IsthmusException($"{file} is {image.Width}×{image.Height} but {s.File} is {s.W}×{s.H}; resize every image to one size.");
            size ??= (image.Width, image.Height, file);
            var buffer = new Rgb24[image.Width * image.Height];
            image.CopyPixelDataTo(buffer);
            pixels.Add(buffer);
        }
        bool grey = pixels.All(p => p.All(q => q.R == q.G && q.G == q.B));
        var (w, h, _) = size!.Value;
        using var scope = NewDisposeScope();
        Tensor ToImages(int from, int count) => ToTensor(pixels.Skip(from).Take(count).ToList(), h, w, grey);
        Tensor ToLabels(List<(string File, int Label)> part) => tensor(part.Select(p => (long)p.Label).ToArray());
        var checksums = new Dictionary<string, string> { [Path.GetFileName(Path.TrimEndingDirectorySeparator(dir)) + "/"] = Digest(dir, files) };
        return OwnImages.Bundle(name, ToImages(0, train.Count), ToLabels(train), ToImages(train.Count, test.Count), ToLabels(test), options, checksums);
    }

    private static List<string> ClassFolders(string dir, string split)
    {
        var folder = Path.Combine(dir, split);
        if (!Directory.Exists(folder))
            throw new IsthmusException($"{dir} has no {split}/ folder; put the images in {split}/<class>/ (one sub-folder per class).");
        var classes = Directory.GetDirectories(folder).Select(Path.GetFileName).Where(n => !n!.StartsWith('.')).Order(StringComparer.Ordinal).ToList();
        if (classes.Count == 0)
            throw new IsthmusException($"{folder} has no class sub-folders; put each class's images in {split}/<class>/.");
        return classes!;
    }

    private static List<(string File, int Label)> Files(string dir, string split, List<string> classes, bool requireEach)
    {
        var files = new List<(string, int)>();
        for (int k = 0; k < classes.Count; k++)
        {
            var folder = Path.Combine(dir, split, classes[k]);
            if (!Directory.Exists(folder)) continue;
            var images = Directory.GetFiles(folder)
                .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()) && !Path.GetFileName(f).StartsWith('.'))
                .Order(StringComparer.Ordinal).ToList();
            if (images.Count == 0 && requireEach)
                throw new IsthmusException($"{folder} holds no PNG or JPEG images; add images of class '{classes[k]}' or remove the empty folder.");
            files.AddRange(images.Select(f => (f, k)));
        }
        return files;
    }

    private static Image<Rgb24> Decode(string file)
    {
        try { return Image.Load<Rgb24>(file); }
        catch (Exception e) when (e is UnknownImageFormatException or InvalidImageContentException or NotSupportedException)
        {
            throw new IsthmusException($"{file} cannot be decoded as PNG or JPEG ({e.Message}); replace or remove it.", e);
        }
    }

    // [N, C, H, W] float32 in [0, 1].
    private static Tensor ToTensor(List<Rgb24[]> images, int h, int w, bool grey)
    {
        int c = grey ? 1 : 3, plane = h * w;
        var bytes = new byte[images.Count * c * plane];
        for (int i = 0; i < images.Count; i++)
            for (int p = 0; p < plane; p++)
            {
                var px = images[i][p];
                int at = i * c * plane + p;
                bytes[at] = px.R;
                if (c == 3) { bytes[at + plane] = px.G; bytes[at + 2 * plane] = px.B; }
            }
        return tensor(bytes, [images.Count, c, h, w]).to_type(ScalarType.Float32).div_(255f);
    }

    private static string Digest(string dir, List<(string File, int Label)> files)
    {
        var text = new System.Text.StringBuilder();
        foreach (var (file, _) in files.OrderBy(f => f.File, StringComparer.Ordinal))
            text.Append(Path.GetRelativePath(dir, file).Replace('\\', '/')).Append('\0').Append(FileHash.Sha256OfFile(file)).Append('\n');
        return FileHash.Sha256(System.Text.Encoding.UTF8.GetBytes(text.ToString()));
    }
}
