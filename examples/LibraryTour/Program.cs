// Usage: dotnet run --project examples/LibraryTour -c Release -- OUT_FOLDER [--data-root DIR]
// As the isthmus command does, before the first tensor: short OpenMP spinning, large blocks kept in the heap.
Isthmus.Platform.Startup.Prepare();
if (args.Length < 1 || args[0].StartsWith('-'))
{
    Console.Error.WriteLine("usage: LibraryTour OUT_FOLDER [--data-root DIR]  (OUT_FOLDER must not exist yet)");
    return 2;
}
string? dataRoot = args.Length >= 3 && args[1] == "--data-root" ? args[2] : null;
try
{
    LibraryTour.Tour.Run(LibraryTour.TourSize.Default, args[0], dataRoot, Console.WriteLine);
    return 0;
}
catch (Isthmus.IsthmusException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}
