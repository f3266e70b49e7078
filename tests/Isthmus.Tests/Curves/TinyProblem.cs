namespace Isthmus.Tests.Curves;

/// <summary>
/// A small classification problem made here (16-pixel images labelled by a random two-layer teacher) and two MLPs
/// trained on it from different seeds with <c>train</c>'s own recipe — the endpoints the connect tests join (and a third,
/// for the sets of connect-set).
/// Also a third run of another width and a fourth on another data set, which no curve may join to the first.
/// </summary>
public sealed class TinyProblem : IDisposable
{
    public static readonly ArchitectureSpec Model = new ArchitectureSpec("mlp").With("widths", "32");
    private readonly TempFolder _folder = new();

    public TinyProblem()
    {
        Data = Images("tiny", seed: 1);
        Other = Images("tiny-other", seed: 2);
        using var session = Session.ForData(Data);
        A = TrainEndpoint(session, "a", Model, seed: 1);
        B = TrainEndpoint(session, "b", Model, seed: 2);
        C = TrainEndpoint(session, "c", Model, seed: 5);
        Narrow = TrainEndpoint(session, "narrow", new ArchitectureSpec("mlp").With("widths", "16"), seed: 3);
        using var other = Session.ForData(Other);
        OtherData = TrainEndpoint(other, "other-data", Model, seed: 4);
    }

    public DataBundle Data { get; }
    public DataBundle Other { get; }
    public string A { get; }
    public string B { get; }
    public string C { get; }
    public string Narrow { get; }
    public string OtherData { get; }

    public string Folder(string name) => _folder[name];

    /// <summary>What <paramref name="recipe"/> gives in a session over <see cref="Data"/>.</summary>
    public T InSession<T>(Func<Session, T> recipe)
    {
        using var session = Session.ForData(Data);
        return recipe(session);
    }

    /// <summary>The same, its figures drawn as the command line would.</summary>
    public T Drawn<T>(Func<Session, T> recipe) where T : IHasFigures
    {
        var outcome = InSession(recipe);
        Figures.Draw(outcome);
        return outcome;
    }

    /// <summary>The tiny data set: 512 training and 256 test images of 4×4 pixels, 4 classes.</summary>
    public static DataBundle Images(string name, ulong seed)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(seed);
        var w1 = randn([16, 24], generator: g);
        var w2 = randn([24, 4], generator: g);
        ImageDataset Split(long n)
        {
            var x = randn([n, 1, 4, 4], generator: g);
            var y = nn.functional.relu(x.flatten(1).mm(w1)).mm(w2).argmax(1);
            return new ImageDataset(x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope(), new Normalization([0f], [1f]));
        }
        return DataBundle.ForImages(name, Split(512), Split(256), classes: 4, augment: false);
    }

    private string TrainEndpoint(Session session, string name, ArchitectureSpec model, long seed)
    {
        var settings = new TrainSettings
        {
            Data = session.Data.Name, Model = model, Out = _folder[name],
            Epochs = 6, BatchSize = 32, Lr = 0.05, WeightDecay = 1e-4, Seed = seed,
        };
        return TrainRecipe.Run(settings, session).RunPath;
    }

    public void Dispose()
    {
        Data.Dispose();
        Other.Dispose();
        _folder.Dispose();
    }
}
