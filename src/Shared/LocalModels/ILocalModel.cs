namespace ToolLoop.LocalModels;

/// <summary>
/// The model-side half of a local runtime, as <see cref="LocalChatPipeline"/> uses it: the chat template and its
/// special tokens, prompt tokenization and token pieces. One instance serves every session (client) on the model,
/// so members must be safe to call from several threads at once.
/// </summary>
internal interface ILocalModel
{
    /// <summary>The model's Jinja chat template, or <see langword="null"/> if it has none.</summary>
    string? ChatTemplate { get; }

    /// <summary>The text of the beginning-of-sequence token for the template's <c>bos_token</c>, or <see langword="null"/>.</summary>
    string? BosTokenText { get; }

    /// <summary>The text of the end-of-sequence token for the template's <c>eos_token</c>, or <see langword="null"/>.</summary>
    string? EosTokenText { get; }

    /// <summary>
    /// Tokenizes a rendered prompt: framing segments with special-token parsing, data segments so that no special
    /// or added token (a turn delimiter, a tool-call marker) can come out of data. Adds the beginning-of-sequence
    /// token if the model wants one and the framing did not write it.
    /// </summary>
    int[] TokenizePrompt(IReadOnlyList<TemplateSegment> segments);

    /// <summary>True for a token that ends generation (end of sequence, end of turn). It is never decoded into text.</summary>
    bool IsEndOfGeneration(int token);

    /// <summary>
    /// Writes the UTF-8 bytes of one generated token into <paramref name="buffer"/>, growing it when needed, and
    /// returns the byte count. Special tokens are rendered as their text (the parser needs the markers); a piece may
    /// end inside a UTF-8 character.
    /// </summary>
    int TokenToBytes(int token, ref byte[] buffer);

    /// <summary>
    /// Creates one request's token → text decoder. Default: <see cref="TokenToBytes"/> through a UTF-8 stream
    /// decoder. A runtime that only decodes through its own stateful stream (ONNX Runtime GenAI's tokenizer stream)
    /// returns that instead.
    /// </summary>
    ITokenTextDecoder CreateTextDecoder() => new Utf8TokenTextDecoder(this);
}
