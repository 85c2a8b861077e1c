using System.Text;

namespace ToolLoop.Cli.Render;

/// <summary>
/// The few header values of a GGUF file that rendering needs (chat templates, the name, the BOS/EOS token texts), read
/// without native code and without touching the weights, so a multi-gigabyte file opens in milliseconds.
/// </summary>
/// <remarks>GGUF versions 2 and 3 (little-endian). A truncated or hostile header gives an <see cref="InputException"/>.</remarks>
internal sealed class GgufMetadata
{
    private const int MaxStringBytes = 64 << 20;
    private const long MaxArrayCount = 16L << 20;
    private const string ChatTemplateKey = "tokenizer.chat_template";

    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private List<string>? _tokens;
    private long? _bos;
    private long? _eos;

    private GgufMetadata()
    {
    }

    /// <summary>The default chat template (<c>tokenizer.chat_template</c>), or <see langword="null"/>.</summary>
    public string? ChatTemplate => _strings.GetValueOrDefault(ChatTemplateKey);

    /// <summary>The names of the named templates (<c>tokenizer.chat_template.NAME</c>, for example <c>tool_use</c>).</summary>
    public IEnumerable<string> TemplateNames => _strings.Keys.Where(k => k.StartsWith(ChatTemplateKey + ".", StringComparison.Ordinal)).Select(k => k[(ChatTemplateKey.Length + 1)..]);

    public string? Name => _strings.GetValueOrDefault("general.name");

    public string? BosToken => TokenText(_bos);

    public string? EosToken => TokenText(_eos);

    public string? GetChatTemplate(string name) => _strings.GetValueOrDefault(ChatTemplateKey + "." + name);

    public static GgufMetadata Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            return Read(reader, path);
        }
        catch (EndOfStreamException ex)
        {
            throw new InputException($"{path}: the GGUF header ends early (truncated file)", ex);
        }
    }

    private static GgufMetadata Read(BinaryReader reader, string path)
    {
        if (reader.ReadUInt32() != 0x46554747)
        {
            throw new InputException($"{path}: not a GGUF file (no 'GGUF' magic at the start)");
        }

        var version = reader.ReadUInt32();
        if (version is not (2 or 3))
        {
            throw new InputException($"{path}: GGUF version {version} is not supported (2 and 3 are)");
        }

        _ = reader.ReadUInt64(); // tensor count
        var kvCount = reader.ReadUInt64();
        var metadata = new GgufMetadata();
        for (ulong i = 0; i < kvCount; i++)
        {
            var key = ReadString(reader, path);
            var type = reader.ReadUInt32();
            switch (key)
            {
                case "tokenizer.ggml.tokens" when type == 9:
                    metadata._tokens = ReadStringArray(reader, path);
                    break;
                case "tokenizer.ggml.bos_token_id":
                    metadata._bos = ReadInteger(reader, type, path);
                    break;
                case "tokenizer.ggml.eos_token_id":
                    metadata._eos = ReadInteger(reader, type, path);
                    break;
                default:
                    if (type == 8)
                    {
                        metadata._strings[key] = ReadString(reader, path);
                    }
                    else
                    {
                        Skip(reader, type, path);
                    }

                    break;
            }
        }

        return metadata;
    }

    private string? TokenText(long? id) => id is { } i && _tokens is { } tokens && i >= 0 && i < tokens.Count ? tokens[(int)i] : null;

    private static string ReadString(BinaryReader reader, string path)
    {
        var length = reader.ReadUInt64();
        if (length > MaxStringBytes)
        {
            throw new InputException($"{path}: a GGUF string of {length} bytes is beyond the {MaxStringBytes >> 20} MiB this reader accepts");
        }

        var bytes = reader.ReadBytes((int)length);
        if (bytes.Length != (int)length)
        {
            throw new EndOfStreamException();
        }

        return Encoding.UTF8.GetString(bytes);
    }

    private static List<string> ReadStringArray(BinaryReader reader, string path)
    {
        var elementType = reader.ReadUInt32();
        var count = ReadCount(reader, path);
        if (elementType != 8)
        {
            SkipElements(reader, elementType, count, path);
            return [];
        }

        var result = new List<string>((int)Math.Min(count, 1 << 20));
        for (long i = 0; i < count; i++)
        {
            result.Add(ReadString(reader, path));
        }

        return result;
    }

    private static long ReadInteger(BinaryReader reader, uint type, string path) => type switch
    {
        0 => reader.ReadByte(),
        1 => reader.ReadSByte(),
        2 => reader.ReadUInt16(),
        3 => reader.ReadInt16(),
        4 => reader.ReadUInt32(),
        5 => reader.ReadInt32(),
        10 => (long)Math.Min(reader.ReadUInt64(), long.MaxValue),
        11 => reader.ReadInt64(),
        _ => throw new InputException($"{path}: a token id of GGUF type {type} (an integer was expected)"),
    };

    private static long ReadCount(BinaryReader reader, string path)
    {
        var count = reader.ReadUInt64();
        return count <= MaxArrayCount ? (long)count : throw new InputException($"{path}: a GGUF array of {count} elements is beyond what this reader accepts");
    }

    private static void Skip(BinaryReader reader, uint type, string path)
    {
        if (type == 9)
        {
            var elementType = reader.ReadUInt32();
            SkipElements(reader, elementType, ReadCount(reader, path), path);
            return;
        }

        if (type == 8)
        {
            _ = ReadString(reader, path);
            return;
        }

        SkipBytes(reader, FixedSize(type, path));
    }

    private static void SkipElements(BinaryReader reader, uint elementType, long count, string path)
    {
        if (elementType is 8 or 9)
        {
            for (long i = 0; i < count; i++)
            {
                Skip(reader, elementType, path);
            }

            return;
        }

        SkipBytes(reader, FixedSize(elementType, path) * count);
    }

    private static void SkipBytes(BinaryReader reader, long count)
    {
        var stream = reader.BaseStream;
        if (stream.Position + count > stream.Length)
        {
            throw new EndOfStreamException();
        }

        stream.Seek(count, SeekOrigin.Current);
    }

    private static long FixedSize(uint type, string path) => type switch
    {
        0 or 1 or 7 => 1,
        2 or 3 => 2,
        4 or 5 or 6 => 4,
        10 or 11 or 12 => 8,
        _ => throw new InputException($"{path}: unknown GGUF value type {type}"),
    };
}
