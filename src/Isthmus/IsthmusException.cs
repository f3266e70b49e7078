namespace Isthmus;

/// <summary>
/// A problem the user can fix: bad input, a missing or corrupt file, mismatched networks, divergence.
/// The message is one sentence that names the problem and the fix; the command line prints it without a
/// stack trace and exits with code 2.
/// </summary>
public class IsthmusException : Exception
{
    public IsthmusException(string message) : base(message) { }
    public IsthmusException(string message, Exception inner) : base(message, inner) { }
}
