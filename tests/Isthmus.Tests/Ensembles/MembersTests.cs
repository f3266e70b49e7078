namespace Isthmus.Tests.Ensembles;

/// <summary>Finding members: FGE/SSE folders in numeric order, nothing else mistaken for a member, mismatches refused.</summary>
[Collection(TorchGlobalRandom.Name)]
public sealed class MembersTests(TinyProblem problem) : IClassFixture<TinyProblem>
{
    [Fact]
    public void A_member_folder_yields_only_member_files_in_numeric_order()
    {
        using var dir = new TempFolder();
        foreach (var name in new[] { "member-10.safetensors", "member-2.safetensors", "member-9.safetensors", "member-1.safetensors",
                     "model.safetensors", "checkpoint-3.safetensors", "member-3.safetensors.tmp", "member-x.safetensors", "member-4.json", "notes.txt" })
            File.WriteAllText(dir[name], "");
        var files = Members.MemberFiles(dir.Path).Select(Path.GetFileName);
        Assert.Equal(["member-1.safetensors", "member-2.safetensors", "member-9.safetensors", "member-10.safetensors"], files);
    }

    [Fact]
    public void A_member_folder_with_a_manifest_takes_its_kind_and_one_without_needs_data_and_model()
    {
        using var dir = new TempFolder();
        File.Copy(Path.Combine(problem.A, "model.safetensors"), dir["member-1.safetensors"]);
        File.Copy(Path.Combine(problem.B, "model.safetensors"), dir["member-2.safetensors"]);
        var e = Assert.Throws<IsthmusException>(() => Members.Resolve([dir.Path]));
        Assert.Contains("--data and --model", e.Message);
        var kind = new NetworkKind(TinyProblem.Model, "tiny");
        var members = Members.Resolve([dir.Path], kind);
        Assert.Equal(2, members.Count);
        Assert.All(members, m => Assert.Equal(kind, m.Kind));
        File.Copy(Path.Combine(problem.A, "manifest.json"), dir["manifest.json"]);
        Assert.Equal(kind, Members.Resolve([dir.Path]).First().Kind);
    }

    [Fact]
    public void Runs_of_different_architectures_are_refused_naming_both()
    {
        var e = Assert.Throws<IsthmusException>(() => Members.Resolve([problem.A, problem.Narrow]));
        Assert.Contains(problem.A, e.Message);
        Assert.Contains(problem.Narrow, e.Message);
        Assert.Contains("widths=16", e.Message);
    }

    [Fact]
    public void Runs_on_different_data_are_refused_naming_both()
    {
        var e = Assert.Throws<IsthmusException>(() => Members.Resolve([problem.A, problem.OtherData]));
        Assert.Contains(problem.OtherData, e.Message);
        Assert.Contains("tiny-other", e.Message);
    }

    [Fact]
    public void A_bare_checkpoint_contradicting_model_options_is_refused()
    {
        var wrong = new NetworkKind(new ArchitectureSpec("mlp").With("widths", "99"), "tiny");
        var e = Assert.Throws<IsthmusException>(() => Members.Resolve([Path.Combine(problem.A, "model.safetensors")], wrong));
        Assert.Contains("widths=99", e.Message);
    }
}
