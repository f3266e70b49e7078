using System.CommandLine;
using System.Text.Json.Nodes;
using Isthmus.Methods;

namespace Isthmus.Cli.Commands;

internal static class ExportCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "A finished train run folder.", Required = true };
        var to = new Option<string>("--to") { Description = "File to write: .pt, .pth or .bin (torch.save zip) or .safetensors.", Required = true };
        var command = new Command("export", """
            Write a trained network's weights for PyTorch: a torch.save zip (.pt) or .safetensors with the state-dict
            names of the zoo model, batch-norm buffers included, so that the PyTorch module of the same names loads it
            with load_state_dict(torch.load(FILE), strict=True).

            Examples:
              ./isthmus export --run runs/a --to a.pt
              ./isthmus export --run runs/a --to a.safetensors
            """);
        foreach (var o in new Option[] { run, to }) command.Options.Add(o);
        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var file = parse.GetValue(to)!;
            int tensors = ExportRecipe.Run(parse.GetValue(run)!, file);
            io.Result($"exported {parse.GetValue(run)} → {file} ({tensors} tensors)", new JsonObject { ["file"] = file, ["tensors"] = tensors });
            return 0;
        }));
        return command;
    }
}
