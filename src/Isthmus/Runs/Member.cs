using Isthmus.Evaluation;
using Isthmus.Storage;
using Isthmus.Training;

namespace Isthmus.Runs;

/// <summary>
/// One collected ensemble member as the manifest's <c>members</c> list records it. The metrics and the distance are
/// filled in once, after training (null until then).
/// </summary>
/// <param name="Index">k in <c>member-&lt;k&gt;.safetensors</c>, 1-based in collection order.</param>
/// <param name="File">Its file name inside the run folder.</param>
/// <param name="Iteration">1-based iteration of the run after whose step the weights were kept.</param>
/// <param name="Epoch">Iteration / minibatches per epoch: where in the run the member sits, in epochs.</param>
/// <param name="TestError">Test error (%) with batch norm recomputed for it.</param>
/// <param name="TestNll">Test NLL, likewise.</param>
/// <param name="DistanceFromStart">‖w − w_start‖ over all parameters (FGE: ŵ; SSE: the initialisation).</param>
public sealed record Member(int Index, string File, long Iteration, double Epoch, double? TestError = null, double? TestNll = null, double? DistanceFromStart = null)
{
    public JsonObject ToJson() => new()
    {
        ["k"] = Index,
        ["file"] = File,
        ["iteration"] = Iteration,
        ["epoch"] = Json.Number(Epoch),
        ["test_error"] = TestError is { } e ? Json.Number(e) : null,
        ["test_nll"] = TestNll is { } n ? Json.Number(n) : null,
        ["distance_from_start"] = DistanceFromStart is { } d ? Json.Number(d) : null,
    };

    public static Member FromJson(JsonNode node) => new(
        node["k"]!.GetValue<int>(), node["file"]!.GetValue<string>(), node["iteration"]!.GetValue<long>(), node["epoch"]!.GetValue<double>(),
        node["test_error"]?.GetValue<double>(), node["test_nll"]?.GetValue<double>(), node["distance_from_start"]?.GetValue<double>());
}

/// <summary>
/// A point of the trajectory between members (Figure 3 left: test error and distance from ŵ within each cycle),
/// kept when a run is asked for more than its members: its weights are saved during training and scored once
/// afterwards, like a member, but with batch norm recomputed from fewer batches.
/// </summary>
public sealed record TrajectoryPoint(long Iteration, double Epoch, double TestError, double TestNll, double DistanceFromStart)
{
    public JsonObject ToJson() => new()
    {
        ["iteration"] = Iteration,
        ["epoch"] = Json.Number(Epoch),
        ["test_error"] = Json.Number(TestError),
        ["test_nll"] = Json.Number(TestNll),
        ["distance_from_start"] = Json.Number(DistanceFromStart),
    };

    public static TrajectoryPoint FromJson(JsonNode node) => new(
        node["iteration"]!.GetValue<long>(), node["epoch"]!.GetValue<double>(), node["test_error"]!.GetValue<double>(),
        node["test_nll"]!.GetValue<double>(), node["distance_from_start"]!.GetValue<double>());
}

/// <summary>The result of an <c>fge</c> or <c>sse</c> run: its members, the start point's metrics, every epoch.</summary>
public sealed record MemberRunOutcome(string RunPath, IReadOnlyList<Member> Members, Metrics? Start, IReadOnlyList<EpochReport> Epochs, double Seconds, bool AlreadyComplete);
