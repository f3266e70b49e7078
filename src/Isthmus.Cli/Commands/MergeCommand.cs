using Isthmus.Runs.Sharding;

namespace Isthmus.Cli.Commands;

internal static class MergeCommand
{
    public static Command Create()
    {
        var parts = new Argument<string[]>("shards") { Description = "The --out folders of the shard runs (any order; a shell glob will do).", Arity = ArgumentArity.OneOrMore };
        var output = CommonOptions.Out(required: false);
        output.Description = "Folder to write (default: where the unsharded command writes, e.g. the curve run for --run).";
        var force = CommonOptions.Force();
        var command = new Command("merge", """
            Combine the shards of an evaluation spread over processes or cluster nodes with --shard i/n (eval-curve, plane)
            into exactly the files one unsharded run writes (curve.json, curve.csv, curve.png; plane.json and its
            pictures). Shards describe themselves: merge refuses shards of different evaluations or settings and names
            the missing ones. The shards' folders are left as they are.

            Examples:
              ./isthmus merge runs/plane-parts/*
              ./isthmus merge runs/seg-parts/0 runs/seg-parts/1 --out runs/a-b-segment
            """);
        command.Arguments.Add(parts);
        command.AddOptions([output, force]);
        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var outcome = MergeRecipe.Run(new MergeSettings
            {
                Parts = parse.GetValue(parts) ?? [],
                Out = parse.GetValue(output),
                Force = parse.GetValue(force),
            });
            Figures.Draw(outcome);
            io.Result($"merged {Words.Count(outcome.Shards, "shard")} of {outcome.Command} ({Words.Count(outcome.Points, "point")}) → {outcome.Folder}: {string.Join(", ", outcome.Files)}",
                new JsonObject
                {
                    ["command"] = outcome.Command, ["folder"] = outcome.Folder, ["shards"] = outcome.Shards, ["points"] = outcome.Points,
                    ["files"] = new JsonArray(outcome.Files.Select(f => (JsonNode)f).ToArray()),
                });
            return 0;
        }));
        return command;
    }
}
