using Isthmus.Data;
using Isthmus.Evaluation;
using Isthmus.Methods;
using Isthmus.Nn;
using Isthmus.Runs;
using Isthmus.Training;

namespace LibraryTour;

/// <summary>How big the tour is: the default takes about a minute on 2 cores; the tests run it tiny.</summary>
public sealed record TourSize(int Subset, int Epochs, string Widths, int Points)
{
    public static readonly TourSize Default = new(Subset: 10000, Epochs: 5, Widths: "800,800", Points: 11);
    public static readonly TourSize Tiny = new(Subset: 1000, Epochs: 2, Widths: "64,64", Points: 3);
}

/// <summary>What the tour found: the endpoints, the worst test error along the curve and the segment, and t = ½ scored by hand.</summary>
public sealed record TourResult(double StartError, double EndError, CurveEvaluation Curve, double CurveMax, double SegmentMax, PointMetrics Middle);

/// <summary>The library's two levels, in the order a user meets them (docs/library.md).</summary>
public static class Tour
{
    public static TourResult Run(TourSize size, string outFolder, string? dataRoot, Action<string> say)
    {
        var model = new ArchitectureSpec("mlp").With("widths", size.Widths);

        // 1. Recipes: what each command of the CLI runs, with the same run folders, manifests and resume.
        TrainOutcome Train(long seed) => TrainRecipe.Run(new TrainSettings
        {
            Data = "mnist", Model = model, Subset = size.Subset, Epochs = size.Epochs, Seed = seed,
            Out = Path.Combine(outFolder, $"net{seed}"), DataRoot = dataRoot,
        });
        var a = Train(1);
        var b = Train(2);
        say($"networks: {a.Test.Error:F2} % and {b.Test.Error:F2} % test error");

        var curve = ConnectRecipe.Run(new ConnectSettings
        {
            From = a.RunPath, To = b.RunPath, Curve = "bezier", Epochs = size.Epochs,
            Out = Path.Combine(outFolder, "bezier"), DataRoot = dataRoot,
        });
        var evaluation = EvalCurveRecipe.Run(new EvalCurveSettings
        {
            Run = curve.RunPath, Points = size.Points, WithSegment = true, DataRoot = dataRoot,
        });
        double[] TestError(CurveEvaluation c) => c.Arrays.Single(x => x.Name == "test_error").Values;
        double curveMax = TestError(evaluation.Curve).Max(), segmentMax = TestError(evaluation.Segment!).Max();
        say($"Bezier curve: max test error {curveMax:F2} %, length ratio {evaluation.Curve.LengthRatio:F3}; straight segment: max {segmentMax:F2} %");

        // 2. The weight space underneath: one network whose parameters are Σ_k c_k·θ_k over the curve's control points.
        var run = CurveRun.Open(curve.RunPath);
        using var session = Session.Open(run.Data, dataRoot, run.Kind.Val, threads: null, device: "auto", subset: run.Kind.Subset);
        using var net = session.Load(run);
        var evaluator = new PointEvaluator(BatchSources.TrainingForEvaluation(session.Data), BatchSources.Evaluation(session.Data), run.WeightDecay);
        net.Space.MoveTo(run.Family.Coefficients(0.5)); // φ(½): the curve family's coefficients at t = ½
        var middle = evaluator.Evaluate(net);           // batch norm (if any) recomputed, train and test split scored
        say($"φ(½) by hand: train loss {middle.TrainLoss:F4}, test error {middle.Test.Error:F2} %");

        return new TourResult(a.Test.Error, b.Test.Error, evaluation.Curve, curveMax, segmentMax, middle);
    }
}
