namespace Isthmus.Tests;

/// <summary>The smallest layouts the weight-space tests need.</summary>
internal static class TinyLayout
{
    /// <summary>One linear layer: <c>{name}.weight</c> [rows, cols] and <c>{name}.bias</c> [rows].</summary>
    public static ParameterLayout Linear(string name, long rows, long cols, Init weight, Init bias)
    {
        var layout = new ParameterLayout();
        layout.Declare($"{name}.weight", [rows, cols], weight);
        layout.Declare($"{name}.bias", [rows], bias);
        return layout;
    }
}
