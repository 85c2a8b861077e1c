using System.Text;

namespace ToolLoop.TinyModels;

/// <summary>
/// The few protobuf encodings an ONNX <c>ModelProto</c> needs (varint, length-delimited), as byte arrays that
/// concatenate into messages. There is no onnx or protobuf package here, and the reference script writes
/// the same bytes by hand.
/// </summary>
internal static class Protobuf
{
    public const int WireVarint = 0;
    public const int WireLengthDelimited = 2;

    public static byte[] Varint(long value)
    {
        ulong n = unchecked((ulong)value);
        var bytes = new List<byte>(10);
        do
        {
            byte b = (byte)(n & 0x7F);
            n >>= 7;
            bytes.Add(n != 0 ? (byte)(b | 0x80) : b);
        }
        while (n != 0);
        return [.. bytes];
    }

    public static byte[] Key(int field, int wireType) => Varint(((long)field << 3) | (uint)wireType);

    public static byte[] IntField(int field, long value) => [.. Key(field, WireVarint), .. Varint(value)];

    public static byte[] BytesField(int field, byte[] value) => [.. Key(field, WireLengthDelimited), .. Varint(value.Length), .. value];

    public static byte[] StringField(int field, string value) => BytesField(field, Encoding.UTF8.GetBytes(value));

    public static byte[] Concat(IEnumerable<byte[]> parts) => [.. parts.SelectMany(p => p)];
}
