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

    public string? ChatTemplate => _model.ChatTemplate;

    public string? BosTokenText => _model.SpecialTokenText(_model.BosToken);

    public string? EosTokenText => _model.SpecialTokenText(_model.EosToken);

    public int[] TokenizePrompt(IReadOnlyList<TemplateSegment> segments)
    {
        var tokens = new List<int>();
        foreach (TemplateSegment segment in segments)
        {
            tokens.AddRange(_model.Tokenize(segment.Text, addSpecial: false, parseSpecial: !segment.IsData));
        }

        if (_model.AddBos && (tokens.Count == 0 || tokens[0] != _model.BosToken))
        {
            tokens.Insert(0, _model.BosToken);
        }

        return [.. tokens];
    }

    public bool IsEndOfGeneration(int token) => _model.IsEndOfGeneration(token);

    public int TokenToBytes(int token, ref byte[] buffer) => _model.TokenToPiece(token, ref buffer, special: true);
}
