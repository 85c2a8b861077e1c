using System.Globalization;
using System.Text;

namespace ToolLoop;

/// <summary>Python's <c>datetime.strftime</c> in the C locale, for the directives chat templates use.</summary>
internal static class Strftime
{
    public static string Format(DateTime t, string format)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        for (int i = 0; i < format.Length; i++)
        {
            char c = format[i];
            if (c != '%' || i + 1 >= format.Length)
            {
                sb.Append(c);
                continue;
            }

            char d = format[++i];
            bool noPad = false;
            if (d == '-' && i + 1 < format.Length)
            {
                noPad = true;
                d = format[++i];
            }

            string Pad(int v, int width) => noPad ? v.ToString(inv) : v.ToString(new string('0', width), inv);
            switch (d)
            {
                case 'Y': sb.Append(t.Year.ToString(inv)); break;
                case 'y': sb.Append(Pad(t.Year % 100, 2)); break;
                case 'm': sb.Append(Pad(t.Month, 2)); break;
                case 'd': sb.Append(Pad(t.Day, 2)); break;
                case 'e': sb.Append(t.Day.ToString(inv).PadLeft(2)); break;
                case 'H': sb.Append(Pad(t.Hour, 2)); break;
                case 'I': sb.Append(Pad(t.Hour % 12 == 0 ? 12 : t.Hour % 12, 2)); break;
                case 'M': sb.Append(Pad(t.Minute, 2)); break;
                case 'S': sb.Append(Pad(t.Second, 2)); break;
                case 'f': sb.Append((t.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", inv)); break;
                case 'p': sb.Append(t.Hour < 12 ? "AM" : "PM"); break;
                case 'b': case 'h': sb.Append(inv.DateTimeFormat.GetAbbreviatedMonthName(t.Month)); break;
                case 'B': sb.Append(inv.DateTimeFormat.GetMonthName(t.Month)); break;
                case 'a': sb.Append(inv.DateTimeFormat.GetAbbreviatedDayName(t.DayOfWeek)); break;
                case 'A': sb.Append(inv.DateTimeFormat.GetDayName(t.DayOfWeek)); break;
                case 'j': sb.Append(Pad(t.DayOfYear, 3)); break;
                case 'w': sb.Append(((int)t.DayOfWeek).ToString(inv)); break;
                case 'u': sb.Append((t.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek).ToString(inv)); break;
                case 'F': sb.Append(t.ToString("yyyy-MM-dd", inv)); break;
                case 'T': sb.Append(t.ToString("HH:mm:ss", inv)); break;
                case 'D': sb.Append(t.ToString("MM/dd/yy", inv)); break;
                case 'R': sb.Append(t.ToString("HH:mm", inv)); break;
                case 'c': sb.Append(t.ToString("ddd MMM ", inv)).Append(t.Day.ToString(inv).PadLeft(2)).Append(t.ToString(" HH:mm:ss yyyy", inv)); break;
                case 'x': sb.Append(t.ToString("MM/dd/yy", inv)); break;
                case 'X': sb.Append(t.ToString("HH:mm:ss", inv)); break;
                case 'Z': break;
                case 'z': break;
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case '%': sb.Append('%'); break;
                default: sb.Append('%').Append(d); break;
            }
        }

        return sb.ToString();
    }
}
