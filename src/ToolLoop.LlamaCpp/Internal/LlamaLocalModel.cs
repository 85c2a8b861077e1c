using ToolLoop.LocalModels;

namespace ToolLoop.LlamaCpp.Internal;

/// <summary>The model side of the local pipeline on a <see cref="LlamaModel"/>.</summary>
internal sealed class LlamaLocalModel : ILocalModel
{
    private readonly LlamaModel _model;

    public LlamaLocalModel(LlamaModel model)
    {
        _model = model;
    }

    public LlamaPromptTokenizer Tokenizer => _model.PromptTokenizer;

    public string? ChatTemplate => _model.ChatTemplate;

    public string? BosTokenText => _model.SpecialTokenText(_model.BosToken);

    public string? EosTokenText => _model.SpecialTokenText(_model.EosToken);

    public int[] TokenizePrompt(IReadOnlyList<TemplateSegment> segments) => _model.PromptTokenizer.Tokenize(segments);

    public bool IsEndOfGeneration(int token) => _model.IsEndOfGeneration(token);

    public int TokenToBytes(int token, ref byte[] buffer) => _model.TokenToPiece(token, ref buffer, special: true);
}
