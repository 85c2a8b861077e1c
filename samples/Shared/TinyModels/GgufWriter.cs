using System.Text;

namespace ToolLoop.TinyModels;

/// <summary>
/// A minimal GGUF v3 writer (metadata plus F32 tensors, 32-byte alignment), written to produce the same
/// bytes as <c>shared/reference/make_tiny_gguf.py</c> for the same keys and tensors.
/// </summary>
internal sealed class GgufWriter
{
    public const uint TypeUInt32 = 4;
    public const uint TypeInt32 = 5;
    public const uint TypeFloat32 = 6;
    public const uint TypeBool = 7;
    public const uint TypeString = 8;
    public const uint TypeArray = 9;
    private const int Alignment = 32;

    private readonly List<(string Key, uint Type, object Value)> _metadata = [];
    private readonly List<(string Name, ulong[] Shape, float[] Data)> _tensors = [];
    private readonly IReadOnlyCollection<string> _omitted;

    /// <param name="omittedKeys">Metadata keys to leave out (to build deliberately broken files).</param>
    public GgufWriter(IReadOnlyCollection<string>? omittedKeys = null)
    {
        _omitted = omittedKeys ?? [];
    }

    public GgufWriter Add(string key, uint value) => AddValue(key, TypeUInt32, value);

    public GgufWriter Add(string key, float value) => AddValue(key, TypeFloat32, value);

    public GgufWriter Add(string key, bool value) => AddValue(key, TypeBool, value);

    public GgufWriter Add(string key, string value) => AddValue(key, TypeString, value);

    public GgufWriter Add(string key, IReadOnlyList<string> values) => AddValue(key, TypeArray, (TypeString, (object)values));

    public GgufWriter Add(string key, IReadOnlyList<float> values) => AddValue(key, TypeArray, (TypeFloat32, (object)values));

    public GgufWriter Add(string key, IReadOnlyList<int> values) => AddValue(key, TypeArray, (TypeInt32, (object)values));

    /// <summary>Adds an F32 tensor; <paramref name="shape"/> is ggml's <c>ne</c> (fastest dimension first).</summary>
    public GgufWriter AddTensor(string name, ulong[] shape, float[] data)
    {
        ulong count = 1;
        foreach (ulong d in shape)
        {
            count *= d;
        }

        if (count != (ulong)data.Length)
        {
            throw new ArgumentException($"Tensor {name}: shape holds {count} values, data has {data.Length}.");
        }

        _tensors.Add((name, shape, data));
        return this;
    }

    public byte[] ToArray()
    {
        using var head = new MemoryStream();
        using var w = new BinaryWriter(head, Encoding.UTF8, leaveOpen: true);
        w.Write("GGUF"u8);
        w.Write(3u);
        w.Write((ulong)_tensors.Count);
        w.Write((ulong)_metadata.Count);
        foreach ((string key, uint type, object value) in _metadata)
        {
            WriteString(w, key);
            w.Write(type);
            WriteValue(w, type, value);
        }

        ulong offset = 0;
        using var data = new MemoryStream();
        using var dw = new BinaryWriter(data, Encoding.UTF8, leaveOpen: true);
        foreach ((string name, ulong[] shape, float[] values) in _tensors)
        {
            WriteString(w, name);
            w.Write((uint)shape.Length);
            foreach (ulong d in shape)
            {
                w.Write(d);
            }

            w.Write(0u); // GGML_TYPE_F32
            w.Write(offset);
            foreach (float v in values)
            {
                dw.Write(v);
            }

            int size = values.Length * 4;
            int pad = (Alignment - (size % Alignment)) % Alignment;
            dw.Write(new byte[pad]);
            offset += (ulong)(size + pad);
        }

        w.Flush();
        int headPad = (int)((Alignment - (head.Length % Alignment)) % Alignment);
        w.Write(new byte[headPad]);
        w.Flush();
        dw.Flush();
        head.Write(data.GetBuffer(), 0, (int)data.Length);
        return head.ToArray();
    }

    private GgufWriter AddValue(string key, uint type, object value)
    {
        if (!_omitted.Contains(key))
        {
            _metadata.Add((key, type, value));
        }

        return this;
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteValue(BinaryWriter w, uint type, object value)
    {
        switch (type)
        {
            case TypeUInt32: w.Write((uint)value); break;
            case TypeInt32: w.Write((int)value); break;
            case TypeFloat32: w.Write((float)value); break;
            case TypeBool: w.Write((bool)value ? (byte)1 : (byte)0); break;
            case TypeString: WriteString(w, (string)value); break;
            case TypeArray:
                (uint elementType, object items) = ((uint, object))value;
                w.Write(elementType);
                switch (items)
                {
                    case IReadOnlyList<string> strings:
                        w.Write((ulong)strings.Count);
                        foreach (string s in strings)
                        {
                            WriteString(w, s);
                        }

                        break;
                    case IReadOnlyList<float> floats:
                        w.Write((ulong)floats.Count);
                        foreach (float f in floats)
                        {
                            w.Write(f);
                        }

                        break;
                    case IReadOnlyList<int> ints:
                        w.Write((ulong)ints.Count);
                        foreach (int i in ints)
                        {
                            w.Write(i);
                        }

                        break;
                    default:
                        throw new ArgumentException("Unsupported array element type.");
                }

                break;
            default:
                throw new ArgumentException($"Unsupported GGUF type {type}.");
        }
    }
}
