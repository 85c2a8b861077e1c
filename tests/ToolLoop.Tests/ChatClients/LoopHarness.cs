using System.Text;
using Microsoft.Extensions.AI;
using Xunit;

namespace ToolLoop.Tests.ChatClients;

/// <summary>Runs scenarios streaming and non-streaming and compares the final histories.</summary>
public static class LoopHarness
{
    public static async Task<LoopRun> RunAsync(LoopScenario scenario, bool streaming, IList<ChatMessage>? messages = null, CancellationToken cancellationToken = default)
    {
        if (cancellationToken == default)
        {
            cancellationToken = scenario.CancellationToken;
        }

        if (cancellationToken == default)
        {
            cancellationToken = TestContext.Current.CancellationToken;
        }

        messages ??= scenario.Messages;
        if (!streaming)
        {
            var response = await scenario.Loop.GetResponseAsync(messages, scenario.ChatOptions, cancellationToken);
            return new LoopRun(scenario, response, null);
        }

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in scenario.Loop.GetStreamingResponseAsync(messages, scenario.ChatOptions, cancellationToken))
        {
            updates.Add(update);
        }

        return new LoopRun(scenario, updates.ToChatResponse(), updates);
    }

    /// <summary>
    /// Runs <paramref name="make"/>'s scenario in the requested mode and, on a fresh copy, in the other; asserts both
    /// final histories and stop reasons are identical, and (unless the scenario returns calls to the caller on purpose)
    /// that every call in the response has its result.
    /// </summary>
    public static async Task<LoopRun> RunBothAsync(bool streaming, Func<LoopScenario> make, bool wellFormed = true)
    {
        var run = await RunAsync(make(), streaming);
        var other = await RunAsync(make(), !streaming);
        Assert.Equal(other.History, run.History);
        Assert.Equal(other.StopReason, run.StopReason);
        if (wellFormed)
        {
            AssertWellFormed(run.Response.Messages);
        }

        return run;
    }

    /// <summary>Every call has exactly one result, after it; every result has a call.</summary>
    public static void AssertWellFormed(IEnumerable<ChatMessage> messages)
    {
        var seen = new HashSet<string>();
        var open = new HashSet<string>();
        var serverSide = new HashSet<string>();
        foreach (var content in messages.SelectMany(m => m.Contents))
        {
            if (content is FunctionCallContent { InformationalOnly: false } call)
            {
                Assert.True(seen.Add(call.CallId), $"call id {call.CallId} used twice");
                open.Add(call.CallId);
            }
            else if (content is FunctionCallContent { InformationalOnly: true } informational)
            {
                serverSide.Add(informational.CallId);
            }
            else if (content is FunctionResultContent result && !serverSide.Contains(result.CallId))
            {
                Assert.True(open.Remove(result.CallId), $"result {result.CallId} has no open call");
            }
        }

        Assert.Empty(open);
    }

    public static string Describe(IEnumerable<ChatMessage> messages)
    {
        var sb = new StringBuilder();
        foreach (var message in messages)
        {
            sb.Append(message.Role.Value).Append(':');
            var text = new StringBuilder();
            foreach (var content in message.Contents)
            {
                if (content is TextContent t)
                {
                    text.Append(t.Text);
                    continue;
                }

                Flush(sb, text);
                sb.Append(' ').Append(content switch
                {
                    TextReasoningContent r => $"reasoning[{r.Text}]",
                    FunctionCallContent c => Call(c),
                    FunctionResultContent r => $"result[{r.CallId}:{ToolLoopJson.ResultText(r.Result)}]",
                    ToolApprovalRequestContent a => $"approval[{a.RequestId}:{Call((FunctionCallContent)a.ToolCall)}]",
                    _ => content.GetType().Name,
                });
            }

            Flush(sb, text);
            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static string Call(FunctionCallContent c) => $"call[{c.CallId}:{c.Name}{ToolLoopJson.Canonical(c.Arguments)}{(c.Exception is null ? "" : "!")}]";

    private static void Flush(StringBuilder sb, StringBuilder text)
    {
        if (text.Length > 0)
        {
            sb.Append(" text[").Append(text).Append(']');
            text.Clear();
        }
    }
}
