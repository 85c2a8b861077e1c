namespace ToolLoop.LocalModels;

/// <summary>
/// One request's token → text decoder (created by <see cref="ILocalModel.CreateTextDecoder"/>). It never splits a
/// character: text of a token that ends inside a UTF-8 character waits for the next token.
/// </summary>
internal interface ITokenTextDecoder : IDisposable
{
    /// <summary>The complete text available after <paramref name="token"/> (may be empty).</summary>
    string Append(int token);

    /// <summary>Ends the stream: whatever is held back (a dangling incomplete character becomes U+FFFD).</summary>
    string Flush();
}
