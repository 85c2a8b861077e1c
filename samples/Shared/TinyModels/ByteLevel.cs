namespace ToolLoop.TinyModels;

/// <summary>GPT-2's reversible byte → printable character map, used by the ByteLevel pre-tokenizer and decoder.</summary>
internal static class ByteLevel
{
    private static readonly char[] s_byteToChar = BuildMap();

    public static char ToChar(byte b) => s_byteToChar[b];


    private static char[] BuildMap()
    {
        var map = new char[256];
        var printable = new bool[256];
        foreach ((int from, int to) in new[] { ('!', '~'), ('\u00A1', '\u00AC'), ('\u00AE', '\u00FF') })
        {
            for (int b = from; b <= to; b++)
            {
                printable[b] = true;
                map[b] = (char)b;
            }
        }

        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            if (!printable[b])
            {
                map[b] = (char)next++;
            }
        }

        return map;
    }
}
