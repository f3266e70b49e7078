namespace Isthmus.Tests.Experiments;

/// <summary>
/// The library as a NuGet package, used by a project outside the repository, as a user would: `dotnet pack`, a
/// console project that references the package, build, run. On Debian 12 the run proves that the package's build step
/// made TorchSharp's native library loadable.
/// </summary>
public sealed class PackageTests(MnistFixture mnist) : MnistTest(mnist)
{
    [Fact]
    public void A_project_outside_the_repository_uses_the_package_and_trains()
    {
        // A version of its own, so that no package of an earlier build is taken from NuGet's cache (removed at the end).
        var version = $"0.0.0-test.{Guid.NewGuid():N}"[..24];
        var cached = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "isthmus", version);
        try
        {
            // The test run has built the library already (Release): pack what is there.
            Run(Repository.Root, "dotnet", "pack", Path.Combine("src", "Isthmus", "Isthmus.csproj"), "-c", "Release", "--no-build", "-nologo",
                "-o", Dir["feed"], $"-p:PackageVersion={version}");
            Directory.CreateDirectory(Dir["app"]);
            File.WriteAllText(Dir["app/nuget.config"], $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="isthmus-test" value="{Dir["feed"]}" />
                  </packageSources>
                </configuration>
                """);
            File.WriteAllText(Dir["app/app.csproj"], $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Isthmus" Version="{version}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(Dir["app/Program.cs"], """
                using Isthmus.Methods;
                using Isthmus.Nn;

                Isthmus.Platform.Startup.Prepare();
                var run = TrainRecipe.Run(new TrainSettings
                {
                    Data = "mnist", Model = new ArchitectureSpec("mlp").With("widths", "32"), Subset = 2000, Epochs = 1, Schedule = "constant",
                    Out = Path.Combine(args[0], "net"), DataRoot = args[1],
                });
                Console.WriteLine($"test error {run.Test.Error:F2}");
                """);
            Run(Dir["app"], "dotnet", "build", "-c", "Release", "-nologo");
            var output = Run(Dir["app"], "dotnet", Path.Combine("bin", "Release", "net10.0", "app.dll"), Dir["runs"], DataRoot);
            var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("test error "));
            double error = double.Parse(line["test error ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(error, 0.5, 40); // one epoch on 2,000 images: far better than chance (90 %)
            Assert.True(File.Exists(Dir["runs/net/model.safetensors"]));
        }
        finally
        {
            try { if (Directory.Exists(cached)) Directory.Delete(cached, recursive: true); } catch (IOException) { }
        }
    }

    private static string Run(string workingDirectory, string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5))) { process.Kill(true); throw new TimeoutException($"{file} {string.Join(' ', args)}"); }
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', args)} exited with {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }
}
