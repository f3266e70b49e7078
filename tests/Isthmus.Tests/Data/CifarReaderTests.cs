namespace Isthmus.Tests.Data;

public sealed class CifarReaderTests
{
    [Fact]
    public void Cifar10_reads_the_label_byte_and_CHW_pixels_red_plane_first_across_all_batches()
    {
        using var tmp = new TempFolder();
        var dir = DataFiles.WriteCifar10(tmp.Path, perBatch: 3, test: 2);

        var train = CifarReader.Read(dir, CifarVariant.Cifar10, train: true);
        var test = CifarReader.Read(dir, CifarVariant.Cifar10, train: false);

        Assert.Equal(15, train.Count);
        Assert.Equal(DataFiles.Labels(0, 15, 10), train.Labels); // data_batch_1..5 in order
        Assert.Equal(2, test.Count);
        // Image 7 (data_batch_3, second record), green channel, row 5, column 9.
        Assert.Equal(DataFiles.CifarPixel(7, 1, 5, 9), train.Pixels[7 * 3072 + 1 * 1024 + 5 * 32 + 9]);
        Assert.Equal(DataFiles.CifarPixel(7, 0, 0, 0), train.Pixels[7 * 3072]);           // red plane first
        Assert.Equal(DataFiles.CifarPixel(1001, 2, 31, 31), test.Pixels[2 * 3072 - 1]);   // blue, last pixel
    }

    [Fact]
    public void Cifar100_keeps_the_fine_label_and_skips_the_coarse_one()
    {
        using var tmp = new TempFolder();
        var dir = Directory.CreateDirectory(tmp["cifar-100-binary"]).FullName;
        byte[] fine = [99, 42, 0, 17];
        File.WriteAllBytes(Path.Combine(dir, "train.bin"), DataFiles.CifarFile(0, fine, cifar100: true));
        File.WriteAllBytes(Path.Combine(dir, "test.bin"), DataFiles.CifarFile(10, [5], cifar100: true));

        var train = CifarReader.Read(CifarReader.FindFolder(tmp.Path, CifarVariant.Cifar100), CifarVariant.Cifar100, train: true);

        Assert.Equal(fine, train.Labels);
        Assert.Equal(DataFiles.CifarPixel(3, 2, 4, 6), train.Pixels[3 * 3072 + 2 * 1024 + 4 * 32 + 6]);
    }

    [Fact]
    public void FindFolder_accepts_the_root_or_the_official_folder_itself()
    {
        using var tmp = new TempFolder();
        var dir = DataFiles.WriteCifar10(tmp.Path, 1, 1);

        Assert.Equal(dir, CifarReader.FindFolder(tmp.Path, CifarVariant.Cifar10));
        Assert.Equal(dir, CifarReader.FindFolder(dir, CifarVariant.Cifar10));
    }

    [Fact]
    public void A_missing_CIFAR_folder_says_where_to_download_it()
    {
        using var tmp = new TempFolder();
        var error = Assert.Throws<IsthmusException>(() => CifarReader.FindFolder(tmp.Path, CifarVariant.Cifar10));
        Assert.Contains("CIFAR-10 is not in", error.Message);
        Assert.Contains("cs.toronto.edu", error.Message);
    }

    [Fact]
    public void A_partial_record_is_an_error_naming_the_file()
    {
        using var tmp = new TempFolder();
        var dir = DataFiles.WriteCifar10(tmp.Path, 2, 1);
        var path = Path.Combine(dir, "data_batch_4.bin");
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..^10]);

        var error = Assert.Throws<IsthmusException>(() => CifarReader.Read(dir, CifarVariant.Cifar10, train: true));
        Assert.Contains(path, error.Message);
    }
}
