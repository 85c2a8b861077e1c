using System.Text;

namespace ToolLoop.TinyModels;

/// <summary>
/// One generated token of a tiny-model script: its bytes. A string converts to its UTF-8 bytes; <see cref="Raw"/>
/// gives any bytes, so a script can split a multi-byte character across tokens.
/// </summary>
internal readonly record struct ScriptPiece(byte[] Utf8)
{
    public static implicit operator ScriptPiece(string text) => new(Encoding.UTF8.GetBytes(text));

    public static ScriptPiece Raw(params byte[] bytes) => new(bytes);

    public static ScriptPiece FromString(string text) => text;
}
