namespace Isthmus.Data;

/// <summary>What a <see cref="DataBundle"/> holds, which decides the models that can train on it.</summary>
public enum DataKind
{
    /// <summary>Labelled images: <see cref="DataBundle.Train"/> and <see cref="DataBundle.Eval"/>.</summary>
    Images,

    /// <summary>A token stream for language modelling: <see cref="DataBundle.TrainText"/> and <see cref="DataBundle.EvalText"/>.</summary>
    Text,
}
