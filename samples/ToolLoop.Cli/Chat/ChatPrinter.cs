using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ToolLoop.Cli.Chat;

/// <summary>
/// Writes a turn as it streams: the model's text after <c>model&gt;</c>, reasoning after <c>(thinking)</c>, each tool call
/// (<c>→</c>) and result (<c>←</c>) on its own line, and the loop's own notices marked <c>[loop]</c>.
/// </summary>
internal sealed class ChatPrinter(TextWriter output)
{
    private const int MaxResultChars = 300;
    private static readonly JsonSerializerOptions s_json = new(AIJsonUtilities.DefaultOptions) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    private Section _section;
    private bool _atLineStart = true;

    private enum Section
    {
        None,
        Text,
        Reasoning,
    }

    /// <summary>A call as one line: its name and its arguments as compact JSON.</summary>
    public static string Describe(FunctionCallContent call)
        => call.Name + " " + JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), s_json);

    public async Task PrintAsync(ChatResponseUpdate update)
    {
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextContent text when text.AdditionalProperties?.ContainsKey(ToolLoopPropertyNames.Notice) == true:
                    await LineAsync("  [loop] " + text.Text.Trim()).ConfigureAwait(false);
                    break;
                case TextContent text when text.Text.Length > 0:
                    await WriteAsync(Section.Text, "model> ", text.Text).ConfigureAwait(false);
                    break;
                case TextReasoningContent reasoning when reasoning.Text.Length > 0:
                    await WriteAsync(Section.Reasoning, "(thinking) ", reasoning.Text).ConfigureAwait(false);
                    break;
                case FunctionCallContent call:
                    await LineAsync("  → " + Describe(call)).ConfigureAwait(false);
                    break;
                case FunctionResultContent result:
                    await LineAsync("  ← " + DescribeResult(result)).ConfigureAwait(false);
                    break;
                case ErrorContent error:
                    await LineAsync("  [error] " + error.Message).ConfigureAwait(false);
                    break;
            }
        }
    }

    /// <summary>Ends the turn's output; names the stop reason when the loop stopped for anything but a finished answer.</summary>
    public async Task EndTurnAsync(string? stopReason)
    {
        await EndLineAsync().ConfigureAwait(false);
        if (stopReason is not null and not ToolLoopStopReasons.Completed and not ToolLoopStopReasons.ApprovalPending)
        {
            await LineAsync($"  [the loop stopped: {stopReason}]").ConfigureAwait(false);
        }
    }

    public async Task LineAsync(string line)
    {
        await EndLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync(line).ConfigureAwait(false);
        _section = Section.None;
        _atLineStart = true;
    }

    private async Task EndLineAsync()
    {
        if (!_atLineStart)
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            _atLineStart = true;
        }

        _section = Section.None;
    }

    private async Task WriteAsync(Section section, string prefix, string text)
    {
        if (_section != section)
        {
            await EndLineAsync().ConfigureAwait(false);
            await output.WriteAsync(prefix).ConfigureAwait(false);
            _section = section;
            text = text.TrimStart('\n');
        }

        await output.WriteAsync(text).ConfigureAwait(false);
        if (text.Length > 0)
        {
            _atLineStart = text[^1] == '\n';
        }
    }

    private static string DescribeResult(FunctionResultContent result)
    {
        if (result.Exception is { } ex)
        {
            return "error: " + ex.Message;
        }

        var text = result.Result switch
        {
            null => "(no result)",
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
            var other => JsonSerializer.Serialize(other, s_json),
        };
        var oneLine = new StringBuilder(Math.Min(text.Length, MaxResultChars + 1));
        foreach (var c in text)
        {
            if (oneLine.Length >= MaxResultChars)
            {
                return oneLine.Append(" … (").Append(text.Length).Append(" characters)").ToString();
            }

            oneLine.Append(c switch { '\n' => '⏎', '\r' => ' ', '\t' => ' ', _ => c });
        }

        return oneLine.ToString();
    }
}
