using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ToolLoop.LlamaCpp.Internal;

/// <summary>
/// A streaming parser for Hermes/Qwen output: <c>&lt;think&gt;…&lt;/think&gt;</c> reasoning and
/// <c>&lt;tool_call&gt;{"name": …, "arguments": {…}}&lt;/tool_call&gt;</c> calls. Text that could still be the
/// start of a marker is held back until the next chunk decides it. A malformed or unclosed call is
/// returned as text, never dropped.
/// </summary>
internal sealed class HermesOutputParser : IModelOutputParser
{
    private const string CallOpen = "<tool_call>";
    private const string CallClose = "</tool_call>";
    private const string ThinkOpen = "<think>";
    private const string ThinkClose = "</think>";

    private readonly StringBuilder _buffer = new();
    private State _state;

    public HermesOutputParser(string generationPrefix)
    {
        // A generation prompt that opens reasoning (for example "<think>\n") means the output starts inside it.
        int open = generationPrefix.LastIndexOf(ThinkOpen, StringComparison.Ordinal);
        if (open >= 0 && generationPrefix.IndexOf(ThinkClose, open, StringComparison.Ordinal) < 0)
        {
            _state = State.Reasoning;
        }
    }

    private enum State
    {
        Content,
        Reasoning,
        Call,
    }

    public void Append(string text, List<AIContent> output)
    {
        _buffer.Append(text);
        while (true)
        {
            string current = _buffer.ToString();
            string[] markers = _state switch
            {
                State.Content => [CallOpen, ThinkOpen],
                State.Reasoning => [ThinkClose],
                _ => [CallClose],
            };

            (int index, string? marker) = FindFirst(current, markers);
            if (marker is null)
            {
                if (_state == State.Call)
                {
                    return; // A call is emitted only once it is closed.
                }

                int hold = PartialMarkerLength(current, markers);
                Emit(current[..^hold], output);
                _buffer.Clear().Append(current[^hold..]);
                return;
            }

            string before = current[..index];
            _buffer.Clear().Append(current[(index + marker.Length)..]);
            switch (marker)
            {
                case CallOpen:
                    Emit(before, output);
                    _state = State.Call;
                    break;
                case ThinkOpen:
                    Emit(before, output);
                    _state = State.Reasoning;
                    break;
                case ThinkClose:
                    Emit(before, output);
                    _state = State.Content;
                    TrimLeadingNewLines();
                    break;
                default:
                    output.Add(ToCall(before));
                    _state = State.Content;
                    break;
            }
        }
    }

    public void Complete(List<AIContent> output)
    {
        string rest = _buffer.ToString();
        _buffer.Clear();
        if (_state == State.Call)
        {
            // An unclosed call stays visible as text.
            output.Add(new TextContent(CallOpen + rest));
        }
        else
        {
            Emit(rest, output);
        }

        _state = State.Content;
    }

    private void Emit(string text, List<AIContent> output)
    {
        if (text.Length == 0)
        {
            return;
        }

        output.Add(_state == State.Reasoning ? new TextReasoningContent(text) : new TextContent(text));
    }

    private void TrimLeadingNewLines()
    {
        int n = 0;
        while (n < _buffer.Length && _buffer[n] == '\n')
        {
            n++;
        }

        _buffer.Remove(0, n);
    }

    private static AIContent ToCall(string body)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            JsonElement root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object &&
                root.TryGetProperty("name", out JsonElement name) && name.ValueKind == JsonValueKind.String)
            {
                var arguments = new Dictionary<string, object?>();
                if (root.TryGetProperty("arguments", out JsonElement args) || root.TryGetProperty("parameters", out args))
                {
                    if (args.ValueKind == JsonValueKind.String)
                    {
                        using JsonDocument inner = JsonDocument.Parse(args.GetString()!);
                        args = inner.RootElement.Clone();
                    }

                    if (args.ValueKind == JsonValueKind.Object)
                    {
                        foreach (JsonProperty property in args.EnumerateObject())
                        {
                            arguments[property.Name] = property.Value.Clone();
                        }
                    }
                }

                return new FunctionCallContent(NewCallId(), name.GetString()!, arguments);
            }
        }
        catch (JsonException)
        {
        }

        return new TextContent(CallOpen + body + CallClose);
    }

    private static string NewCallId() => "call_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    private static (int Index, string? Marker) FindFirst(string text, string[] markers)
    {
        int best = -1;
        string? found = null;
        foreach (string marker in markers)
        {
            int index = text.IndexOf(marker, StringComparison.Ordinal);
            if (index >= 0 && (best < 0 || index < best))
            {
                best = index;
                found = marker;
            }
        }

        return (best, found);
    }

    private static int PartialMarkerLength(string text, string[] markers)
    {
        int hold = 0;
        foreach (string marker in markers)
        {
            for (int k = Math.Min(marker.Length - 1, text.Length); k > hold; k--)
            {
                if (text.AsSpan(text.Length - k).SequenceEqual(marker.AsSpan(0, k)))
                {
                    hold = k;
                    break;
                }
            }
        }

        return hold;
    }
}
