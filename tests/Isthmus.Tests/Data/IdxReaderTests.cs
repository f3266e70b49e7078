namespace Isthmus.Tests.Data;

public sealed class IdxReaderTests
{
    private static byte Pixel(int n, int r, int c) => (byte)(n * 100 + r * 10 + c);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Images_round_trip_with_their_pixel_values(bool gzip)
    {
        using var tmp = new TempFolder();
        var bytes = DataFiles.IdxImages(count: 2, rows: 3, cols: 4, Pixel);
        var path = tmp[gzip ? "images.gz" : "images"];
        File.WriteAllBytes(path, gzip ? DataFiles.Gzip(bytes) : bytes);

        var images = IdxReader.ReadImages(path);

        Assert.Equal((2, 3, 4), (images.Count, images.Rows, images.Columns));
        Assert.Equal(24, images.Pixels.Length);
        Assert.Equal(13, images.Pixels[(0 * 3 + 1) * 4 + 3]);  // image 0, row 1, column 3
        Assert.Equal(123, images.Pixels[(1 * 3 + 2) * 4 + 3]); // image 1, row 2, column 3
        Assert.Equal(bytes[16..], images.Pixels);
    }

    [Fact]
    public void Gzip_is_detected_by_its_magic_not_the_file_name()
    {
        using var tmp = new TempFolder();
        var path = tmp["labels-without-extension"];
        File.WriteAllBytes(path, DataFiles.Gzip(DataFiles.IdxLabels([3, 1, 4, 1, 5])));

        Assert.Equal(new byte[] { 3, 1, 4, 1, 5 }, IdxReader.ReadLabels(path));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Labels_round_trip(bool gzip)
    {
        using var tmp = new TempFolder();
        var path = tmp["labels"];
        var bytes = DataFiles.IdxLabels([9, 0, 7]);
        File.WriteAllBytes(path, gzip ? DataFiles.Gzip(bytes) : bytes);

        Assert.Equal(new byte[] { 9, 0, 7 }, IdxReader.ReadLabels(path));
    }

    [Fact]
    public void Wrong_magic_is_an_error_naming_the_file()
    {
        using var tmp = new TempFolder();
        var path = tmp["train-images-idx3-ubyte"];
        File.WriteAllBytes(path, DataFiles.IdxImages(1, 2, 2, Pixel, magic: 0x00000801));

        var error = Assert.Throws<IsthmusException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("0x00000803", error.Message);
    }

    [Fact]
    public void A_label_file_read_as_images_is_rejected_by_its_magic()
    {
        using var tmp = new TempFolder();
        var path = tmp["labels"];
        File.WriteAllBytes(path, DataFiles.IdxLabels([1, 2]));

        var error = Assert.Throws<IsthmusException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Truncated_file_is_an_error_naming_the_file_and_both_sizes(bool gzip)
    {
        using var tmp = new TempFolder();
        var path = tmp["t10k-images-idx3-ubyte"];
        var bytes = DataFiles.IdxImages(3, 2, 2, Pixel)[..^1];
        File.WriteAllBytes(path, gzip ? DataFiles.Gzip(bytes) : bytes);

        var error = Assert.Throws<IsthmusException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("27 bytes", error.Message);
        Assert.Contains("expected 28", error.Message);
    }

    [Fact]
    public void Trailing_bytes_are_an_error_too()
    {
        using var tmp = new TempFolder();
        var path = tmp["labels"];
        File.WriteAllBytes(path, [.. DataFiles.IdxLabels([1, 2]), 0]);

        var error = Assert.Throws<IsthmusException>(() => IdxReader.ReadLabels(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void Missing_file_is_an_error_naming_it()
    {
        using var tmp = new TempFolder();
        var error = Assert.Throws<IsthmusException>(() => IdxReader.ReadLabels(tmp["nope"]));
        Assert.Contains(tmp["nope"], error.Message);
    }
}
