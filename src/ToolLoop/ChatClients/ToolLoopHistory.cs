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

    /// <summary>
    /// Builds the history the model is sent. <paramref name="resultCap"/> caps results for the model as the loop did
    /// when it recorded them (F36), so a replay renders the same prompt. With <paramref name="serviceManaged"/>
    /// (<c>ChatOptions.ConversationId</c>: the service holds the earlier turns) results and approval answers whose
    /// calls are not in these messages are kept (F40).
    /// </summary>
    public static ToolLoopHistory Prepare(IEnumerable<ChatMessage> incoming, ReasoningCarryMode reasoning, CallIdAllocator ids, int? resultCap = null, bool serviceManaged = false)
    {
        var source = incoming as IReadOnlyList<ChatMessage> ?? incoming.ToList();
        Dictionary<string, ToolApprovalResponseContent>? responses = null;
        HashSet<string>? knownCalls = serviceManaged ? new(StringComparer.Ordinal) : null;
        var lastUser = -1;
        var plain = true;
        for (var i = 0; i < source.Count; i++)
        {
            var userText = false;
            foreach (var content in source[i].Contents)
            {
                switch (content)
                {
                    case ToolApprovalResponseContent response:
                        (responses ??= new(StringComparer.Ordinal)).TryAdd(response.RequestId, response);
                        plain = false;
                        break;
                    case FunctionCallContent call:
                        knownCalls?.Add(call.CallId);
                        plain = false;
                        break;
                    case ToolApprovalRequestContent { ToolCall: FunctionCallContent requested }:
                        knownCalls?.Add(requested.CallId);
                        plain = false;
                        break;
                    case FunctionResultContent or ToolApprovalRequestContent:
                        plain = false;
                        break;
                    case TextContent when source[i].Role == ChatRole.Assistant && IsNotice(content):
                        plain = false;
                        break;
                    case TextReasoningContent when reasoning != ReasoningCarryMode.All:
                        plain = false;
                        break;
                    default:
                        break;
                }

                userText |= content is not ToolApprovalResponseContent;
            }

            if (source[i].Role == ChatRole.User && userText)
            {
                lastUser = i;
            }
        }

        // A plain conversation (no calls, results, approvals, notices or filtered reasoning) is sent as it is.
        if (plain)
        {
            return new ToolLoopHistory(Copy(source), []);
        }

        // First pass: rebuild messages without results, rename duplicate ids, collect results by (final) id.
        var output = new List<ChatMessage>();
        var groups = new List<(int Index, List<(FunctionCallContent Call, ToolApprovalRequestContent? Request)> Calls)>();
        var results = new Dictionary<string, FunctionResultContent>(StringComparer.Ordinal);
        var renames = new Dictionary<string, Queue<string>>(StringComparer.Ordinal);
        var approvalCalls = new HashSet<string>(StringComparer.Ordinal);
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
                    case FunctionCallContent copy when approvalCalls.Contains(copy.CallId):
                        // F34: the loop gave the caller an approved call again next to its result; the model sees it
                        // once, in the round it belongs to (F32).
                        changed = true;
                        break;
                    case FunctionResultContent result when knownCalls is not null && !knownCalls.Contains(result.CallId):
                        // F40: the call is in the service's history.
                        kept.Add(Cap(result, resultCap));
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
                        if (request is not null)
                        {
                            approvalCalls.Add(call.CallId);
                        }

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

        // Second pass: a tool message with one result per call, in call order, right after each message that made calls.
        var approvalGroups = new List<PendingApproval>[groups.Count];
        for (var g = groups.Count - 1; g >= 0; g--)
        {
            var (index, calls) = groups[g];
            var toolContents = new List<AIContent>();
            foreach (var (call, request) in calls)
            {
                if (results.Remove(call.CallId, out var result))
                {
                    toolContents.Add(Cap(result, resultCap));
                    continue;
                }

                if (call.InformationalOnly)
                {
                    continue;
                }

                if (request is not null)
                {
                    ToolApprovalResponseContent? response = null;
                    responses?.Remove(request.RequestId, out response);
                    (approvalGroups[g] ??= []).Add(new PendingApproval(call, response, toolContents, toolContents.Count));
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

        var approvals = new List<PendingApproval>();
        foreach (var group in approvalGroups)
        {
            if (group is not null)
            {
                approvals.AddRange(group);
            }
        }

        // F40: an answer to a request the service holds: its result goes at the end.
        if (serviceManaged && responses is not null)
        {
            List<AIContent>? tail = null;
            foreach (var response in responses.Values)
            {
                if (response.ToolCall is FunctionCallContent call && !results.ContainsKey(call.CallId))
                {
                    tail ??= [];
                    approvals.Add(new PendingApproval(call, response, tail, tail.Count));
                    tail.Add(new FunctionResultContent(call.CallId, null));
                }
            }

            if (tail is not null)
            {
                output.Add(new ChatMessage(ChatRole.Tool, tail));
            }
        }

        return new ToolLoopHistory(output, approvals);
    }

    private static List<ChatMessage> Copy(IReadOnlyList<ChatMessage> source)
    {
        // Room for a few rounds; ICollection's CopyTo, not an enumerator.
        var copy = new List<ChatMessage>(source.Count + 8);
        if (source is ICollection<ChatMessage> collection)
        {
            copy.AddRange(collection);
        }
        else
        {
            for (var i = 0; i < source.Count; i++)
            {
                copy.Add(source[i]);
            }
        }

        return copy;
    }

    private static FunctionResultContent Cap(FunctionResultContent result, int? cap) => ToolLoopJson.CapResult(result, cap);

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
