using CsvHelper;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Runs;

/// <summary>metrics.csv: one row per finished epoch, rewritten atomically after each.</summary>
public static class MetricsCsv
{
    public const string File = "metrics.csv";

    public static void Write(string path, IEnumerable<EpochReport> rows) => AtomicFile.Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, leaveOpen: true);
        using var csv = new CsvWriter(writer, CultureInfo.InvariantCulture);
        foreach (var h in new[] { "epoch", "lr", "train_loss", "train_nll", "train_error", "test_nll", "test_error", "seconds" }) csv.WriteField(h);
        csv.NextRecord();
        foreach (var r in rows)
        {
            csv.WriteField(r.Epoch);
            csv.WriteField(r.Rate.ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(r.TrainLoss.ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(r.TrainNll.ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(r.TrainError.ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(r.TestNll.ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(r.TestError.ToString("R", CultureInfo.InvariantCulture));
            csv.WriteField(r.Seconds.ToString("F3", CultureInfo.InvariantCulture));
            csv.NextRecord();
        }
    });
}
