namespace Isthmus.Cli.Commands;

/// <summary><c>isthmus study diversity</c>: are members of one trajectory less diverse than independent runs (docs/science.md §5)?</summary>
internal static class DiversityStudyCommand
{
    public static Command Create()
    {
        var members = new Option<string[]>("--members")
        {
            Description = "Members, as for `isthmus ensemble --members` (train runs, fge/sse member folders, .safetensors files) plus connect runs (points of their curve); the family comes from the run's command.",
            AllowMultipleArgumentsPerToken = true,
        };
        var family = new Option<string[]>("--family") { Description = "A labelled source, LABEL=PATH (e.g. fge=runs/a-fge); repeat for several." };
        var curvePoints = new Option<int>("--curve-points") { Description = "Equally spaced points t = 0 … 1 taken from each connect run.", DefaultValueFactory = _ => 5 };
        var reference = new Option<string?>("--reference") { Description = "Cosines are of w − reference: a run or .safetensors file (default: the members' mean)." };
        var checkpoints = new CheckpointKindOptions("members");
        var (data, model) = (checkpoints.Data, checkpoints.Model);
        var bn = EvalCurveCommand.BatchNormOption();
        var output = CommonOptions.Out();
        var invocation = new InvocationOptions();
        var command = new Command("diversity", """
            Diversity of ensemble families (docs/science.md §5): independent runs, FGE members, SSE snapshots and curve points, each
            member scored once on the test set (batch norm recomputed). Writes diversity.json (pairwise disagreement,
            cosine of weight displacements and distance matrices, function-space PCA coordinates, and per family its
            ensemble, mean within-family disagreement/distance/cosine and ensemble gain per added member),
            diversity_pairs.csv, diversity_families.csv, diversity.png and diversity_matrices.png.

            Examples:
              ./isthmus study diversity --members runs/a runs/b runs/c runs/a-fge runs/sse runs/bezier --out runs/diversity
              ./isthmus study diversity --family ind=runs/a --family ind=runs/b --family fge=runs/a-fge --reference runs/a --out runs/div
            """);
        command.AddOptions([members, family, curvePoints, reference, data, .. model.All, bn, output, invocation.Force, invocation.DataRoot, invocation.Threads, invocation.Device]);
        command.SetAction(CommandRunner.Guard((parse, io, ct) =>
        {
            var sources = (parse.GetValue(members) ?? []).Select(p => new FamilySource(p)).ToList();
            foreach (var f in parse.GetValue(family) ?? [])
            {
                int at = f.IndexOf('=');
                if (at <= 0 || at == f.Length - 1) throw new IsthmusException($"--family '{f}' is not LABEL=PATH; write e.g. fge=runs/a-fge.");
                sources.Add(new FamilySource(f[(at + 1)..], f[..at]));
            }
            if (sources.Count == 0) throw new IsthmusException("study diversity needs members: --members RUN_OR_FILE... and/or --family LABEL=PATH; see `isthmus study diversity --help`.");
            var settings = invocation.Read(parse, new DiversitySettings
            {
                Members = sources, CurvePoints = parse.GetValue(curvePoints), Reference = parse.GetValue(reference),
                Model = model.Read(parse), Data = parse.GetValue(data), BatchNormBatches = EvalCurveCommand.ReadBatchNorm(parse.GetValue(bn)!),
                Out = parse.GetValue(output)!,
            });
            var outcome = MemberProgressBar.Run(io, "members", progress => DiversityStudy.Run(settings, null, progress, io.Info, ct));
            Figures.Draw(outcome);
            var json = new JsonObject
            {
                ["out"] = outcome.Folder,
                ["families"] = new JsonArray(outcome.Families.Select(f => (JsonNode)new JsonObject
                {
                    ["family"] = f.Name, ["members"] = f.Members.Count, ["ensemble_error"] = Storage.Json.Number(f.Ensemble.Error),
                    ["mean_disagreement"] = Storage.Json.Number(f.MeanDisagreement), ["mean_distance"] = Storage.Json.Number(f.MeanDistance),
                    ["gain_per_member_error"] = Storage.Json.Number(f.GainPerMemberError),
                }).ToArray()),
            };
            io.Result($"{Words.Count(outcome.Sources.Count, "member")} → {outcome.Folder}: " + string.Join("; ", outcome.Families.Select(f => string.Create(CultureInfo.InvariantCulture,
                $"{f.Name} ({f.Members.Count}): disagreement {100 * f.MeanDisagreement:F2}%, distance {f.MeanDistance:G3}, ensemble {f.Ensemble.Error:F2}% (mean member {f.MeanMemberError:F2}%)"))), json);
            return 0;
        }));
        return command;
    }
}
