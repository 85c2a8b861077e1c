namespace ToolLoop.LocalModels;

/// <summary>The default <see cref="ITokenTextDecoder"/>: each token's bytes (<see cref="ILocalModel.TokenToBytes"/>) through a <see cref="Utf8StreamDecoder"/>.</summary>
internal sealed class Utf8TokenTextDecoder : ITokenTextDecoder
{
    private readonly ILocalModel _model;
    private readonly Utf8StreamDecoder _decoder = new();
    private byte[] _piece = new byte[64];

    public Utf8TokenTextDecoder(ILocalModel model)
    {
        _model = model;
    }

    public string Append(int token)
    {
        int n = _model.TokenToBytes(token, ref _piece);
        return _decoder.Append(_piece.AsSpan(0, n));
    }

    public string Flush() => _decoder.Flush();

    public void Dispose()
    {
    }
}
