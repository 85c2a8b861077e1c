using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>
/// Turns the caller's history into the history sent to the model (features 22–26): assistant notices dropped,
/// approval requests turned back into calls, duplicate ids renamed, exactly one result right after every call
/// (stubs for dangling calls), reasoning filtered, and answered or abandoned approvals collected.
/// </summary>
internal sealed class ToolLoopHistory
{
    public const string DanglingResult = "No result was recorded for this call (it was interrupted). It was not run again.";
    public const string AbandonedResult = "The user did not answer the approval request for this call and moved on; it was not run.";

    private ToolLoopHistory(List<ChatMessage> messages, List<PendingApproval> approvals)
    {
        Messages = messages;
        Approvals = approvals;
    }

    public List<ChatMessage> Messages { get; }

    public List<PendingApproval> Approvals { get; }

    public static bool IsFlagSet(AdditionalPropertiesDictionary? properties, string key)
        => properties is not null && properties.TryGetValue(key, out var v) && v switch
        {
            bool b => b,
            JsonElement { ValueKind: JsonValueKind.True } => true,
            string s => bool.TryParse(s, out var b) && b,
            _ => false,
        };

    public static bool IsNotice(AIContent content) => IsFlagSet(content.AdditionalProperties, ToolLoopPropertyNames.Notice);

    public static ToolLoopHistory Prepare(IEnumerable<ChatMessage> incoming, ReasoningCarryMode reasoning, CallIdAllocator ids)
    {
        var source = incoming as IReadOnlyList<ChatMessage> ?? incoming.ToList();
        var responses = new Dictionary<string, ToolApprovalResponseContent>(StringComparer.Ordinal);
        var lastUser = -1;
        for (var i = 0; i < source.Count; i++)
        {
            foreach (var content in source[i].Contents)
            {
                if (content is ToolApprovalResponseContent response)
                {
                    responses.TryAdd(response.RequestId, response);
                }
            }

            if (source[i].Role == ChatRole.User && source[i].Contents.Any(c => c is not ToolApprovalResponseContent))
            {
                lastUser = i;
            }
        }

        // First pass: rebuild messages without results, rename duplicate ids, collect results by (final) id.
        var output = new List<ChatMessage>();
        var groups = new List<(int Index, List<(FunctionCallContent Call, ToolApprovalRequestContent? Request)> Calls)>();
        var results = new Dictionary<string, FunctionResultContent>(StringComparer.Ordinal);
        var renames = new Dictionary<string, Queue<string>>(StringComparer.Ordinal);
        for (var i = 0; i < source.Count; i++)
        {
            var message = source[i];
            var kept = new List<AIContent>(message.Contents.Count);
            List<(FunctionCallContent, ToolApprovalRequestContent?)>? calls = null;
            var changed = false;
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent when message.Role == ChatRole.Assistant && IsNotice(content):
                    case ToolApprovalResponseContent:
                    case ToolApprovalRequestContent { ToolCall: not FunctionCallContent }:
                    case TextReasoningContent when reasoning == ReasoningCarryMode.None || (reasoning == ReasoningCarryMode.CurrentTurn && i < lastUser):
                        changed = true;
                        break;
                    case FunctionResultContent result:
                        changed = true;
                        var id = result.CallId;
                        if (renames.TryGetValue(id, out var queue) && queue.Count > 0)
                        {
                            id = queue.Dequeue();
                            result = WithCallId(result, id);
                        }

                        results.TryAdd(id, result);
                        break;
                    case FunctionCallContent or ToolApprovalRequestContent:
                        var request = content as ToolApprovalRequestContent;
                        var call = request is null ? (FunctionCallContent)content : (FunctionCallContent)request.ToolCall;
                        if (ids.IsUsed(call.CallId) || string.IsNullOrEmpty(call.CallId))
                        {
                            var fresh = ids.Allocate(call.CallId);
                            if (!string.IsNullOrEmpty(call.CallId))
                            {
                                if (!renames.TryGetValue(call.CallId, out var q))
                                {
                                    renames[call.CallId] = q = new Queue<string>();
                                }

                                q.Enqueue(fresh);
                            }

                            call = WithCallId(call, fresh);
                            changed = true;
                        }
                        else
                        {
                            ids.Reserve(call.CallId);
                        }

                        changed |= request is not null;
                        kept.Add(call);
                        (calls ??= []).Add((call, request));
                        break;
                    default:
                        kept.Add(content);
                        break;
                }
            }

            if (kept.Count == 0 && message.Contents.Count > 0)
            {
                continue;
            }

            var outMessage = message;
            if (changed)
            {
                outMessage = message.Clone();
                outMessage.Contents = kept;
            }

            output.Add(outMessage);
            if (calls is not null)
            {
                groups.Add((output.Count - 1, calls));
            }
        }

        // Second pass: a tool message with one result per call right after each message that made calls.
        var approvals = new List<PendingApproval>();
        for (var g = groups.Count - 1; g >= 0; g--)
        {
            var (index, calls) = groups[g];
            var toolContents = new List<AIContent>();
            foreach (var (call, request) in calls)
            {
                if (results.Remove(call.CallId, out var result))
                {
                    toolContents.Add(result);
                    continue;
                }

                if (call.InformationalOnly)
                {
                    continue;
                }

                if (request is not null)
                {
                    responses.TryGetValue(request.RequestId, out var response);
                    approvals.Add(new PendingApproval(call, response, toolContents, toolContents.Count));
                    toolContents.Add(new FunctionResultContent(call.CallId, response is null ? AbandonedResult : null));
                }
                else
                {
                    toolContents.Add(new FunctionResultContent(call.CallId, DanglingResult));
                }
            }

            if (toolContents.Count > 0)
            {
                output.Insert(index + 1, new ChatMessage(ChatRole.Tool, toolContents));
            }
        }

        approvals.Reverse();
        return new ToolLoopHistory(output, approvals);
    }

    /// <summary>Keeps every call with its result after a reducer ran (feature 26).</summary>
    public static List<ChatMessage> RepairAfterReduction(IEnumerable<ChatMessage> reduced, IReadOnlyList<ChatMessage> full)
    {
        var list = reduced.ToList();
        var callIds = new HashSet<string>(list.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Select(c => c.CallId), StringComparer.Ordinal);
        var resultIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = list.Count - 1; i >= 0; i--)
        {
            var message = list[i];
            if (!message.Contents.Any(c => c is FunctionResultContent r && !callIds.Contains(r.CallId)))
            {
                foreach (var r in message.Contents.OfType<FunctionResultContent>())
                {
                    resultIds.Add(r.CallId);
                }

                continue;
            }

            var clone = message.Clone();
            clone.Contents = message.Contents.Where(c => c is not FunctionResultContent r || callIds.Contains(r.CallId)).ToList();
            foreach (var r in clone.Contents.OfType<FunctionResultContent>())
            {
                resultIds.Add(r.CallId);
            }

            if (clone.Contents.Count == 0)
            {
                list.RemoveAt(i);
            }
            else
            {
                list[i] = clone;
            }
        }

        var allResults = full.SelectMany(m => m.Contents).OfType<FunctionResultContent>()
            .GroupBy(r => r.CallId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        for (var i = list.Count - 1; i >= 0; i--)
        {
            var missing = list[i].Contents.OfType<FunctionCallContent>()
                .Where(c => !c.InformationalOnly && !resultIds.Contains(c.CallId) && allResults.ContainsKey(c.CallId))
                .Select(c => (AIContent)allResults[c.CallId]).ToList();
            if (missing.Count > 0)
            {
                list.Insert(i + 1, new ChatMessage(ChatRole.Tool, missing));
            }
        }

        return list;
    }

    public static FunctionCallContent WithCallId(FunctionCallContent call, string callId)
        => WithCall(call, callId, call.Arguments, call.Exception);

    public static FunctionCallContent WithCall(FunctionCallContent call, string callId, IDictionary<string, object?>? arguments, Exception? exception) => new(callId, call.Name, arguments)
    {
        Exception = exception,
        InformationalOnly = call.InformationalOnly,
        AdditionalProperties = call.AdditionalProperties,
        RawRepresentation = call.RawRepresentation,
        Annotations = call.Annotations,
    };

    private static FunctionResultContent WithCallId(FunctionResultContent result, string callId) => new(callId, result.Result)
    {
        Exception = result.Exception,
        AdditionalProperties = result.AdditionalProperties,
        RawRepresentation = result.RawRepresentation,
        Annotations = result.Annotations,
    };
}
