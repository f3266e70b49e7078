using Isthmus.Nn;

namespace Isthmus.Cli;

/// <summary>
/// --data and --model for checkpoint files given without a run manifest (bare .safetensors or PyTorch .pt files):
/// what network they hold. Run folders bring their own, so these go only with files.
/// </summary>
internal sealed class CheckpointKindOptions
{
    /// <param name="whose">Whom the files belong to in the help text: "members", "endpoints", "points", "modes".</param>
    public CheckpointKindOptions(string whose)
    {
        Data = CommonOptions.Data(required: false);
        Data.Description = $"For {whose} given as checkpoint files (.safetensors, or PyTorch .pt/.pth/.bin) without a run manifest: their data set (a name, npz:FILE or folder:DIR).";
        Model = new ModelOptions();
        Model.Model.Description = $"For {whose} given as checkpoint files without a run manifest: their architecture ({string.Join(", ", ModelZoo.Names)}, or torchscript:FILE).";
    }

    public Option<string> Data { get; }
    public ModelOptions Model { get; }
    public IEnumerable<Option> All => [Data, .. Model.All];

    public (string? Data, ArchitectureSpec? Model) Read(ParseResult parse) => (parse.GetValue(Data), Model.Read(parse));
}
