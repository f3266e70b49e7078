namespace Isthmus.Tests.Evaluation;

/// <summary><see cref="Synthetic.SmallMlp"/> bound to a fresh random space of <c>controlPoints</c> control points.</summary>
internal sealed class BoundMlp : IDisposable
{
    public BoundMlp(int controlPoints, long seed)
    {
        Net = ModelZoo.Build(Synthetic.SmallMlp, Synthetic.SmallShape);
        Space = WeightSpace.Create(Net.Layout, controlPoints, seed: seed);
        Net.Bind(Space);
    }

    public Network Net { get; }
    public WeightSpace Space { get; }

    public void Dispose()
    {
        Space.Dispose();
        Net.Dispose();
    }
}
