using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>
/// The "classify" step for one call: finds its tool, heals and validates its arguments, and decides whether it runs,
/// fails with an error the model can act on, waits for approval, or goes back to the caller (features 2, 9, 12, 21,
/// 30, 31, 40, 41).
/// </summary>
/// <remarks>One instance per request, used by the run's own flow only (not thread-safe).</remarks>
internal sealed class CallPreparer(ToolLoopOptions options, IList<AITool>? requestTools)
{
    public const string NoToolsResult = "Tools are no longer available in this request, so the call was not run. Answer with what you have.";

    // The last function prepared, with what was read from it: a request calls the same tool round after round, and
    // the schema table and the approval check cost more than a reference comparison.
    private AIFunction? _lastFunction;
    private ToolSchemaValidator.SchemaInfo? _lastInfo;
    private bool _lastNeedsApproval;

    /// <summary>Whether any tool can be called in this request (declared or additional).</summary>
    public bool HasTools => requestTools is { Count: > 0 } || options.AdditionalTools is { Count: > 0 };

    /// <summary>F2, F40: a tool of this request, else one of <see cref="ToolLoopOptions.AdditionalTools"/>; linear, as tool lists are short.</summary>
    public AITool? Find(string name)
    {
        if (requestTools is { } tools)
        {
            for (var i = 0; i < tools.Count; i++)
            {
                if (tools[i].Name == name)
                {
                    return tools[i];
                }
            }
        }

        if (options.AdditionalTools is { } more)
        {
            for (var i = 0; i < more.Count; i++)
            {
                if (more[i].Name == name)
                {
                    return more[i];
                }
            }
        }

        return null;
    }

    public PreparedCall Prepare(FunctionCallContent call, string callId, bool finalRound)
    {
        AIFunction? function = null;
        string? error = null;
        var invalid = false;
        var returned = false;
        var arguments = call.Arguments;
        var exception = call.Exception;
        if (finalRound)
        {
            error = NoToolsResult;
        }
        else if (Find(call.Name) is not { } tool)
        {
            // F40: FICC's TerminateOnUnknownCalls hands the call to the caller; otherwise the model is told (F2).
            returned = options.TerminateOnUnknownCalls;
            error = $"Unknown tool '{call.Name}'. Available tools: {AvailableTools()}.";
        }
        else if (tool is not AIFunction f)
        {
            // F40: a declaration-only tool is the caller's to run, as in FICC.
            returned = tool is AIFunctionDeclaration;
            error = $"The tool '{call.Name}' cannot be invoked by this client.";
        }
        else
        {
            function = f;
            if (!ReferenceEquals(f, _lastFunction))
            {
                _lastInfo = ToolSchemaValidator.Info(f);
                _lastNeedsApproval = f.GetService<ApprovalRequiredAIFunction>() is not null;
                _lastFunction = f;
            }

            var info = _lastInfo!;
            var schema = info.Schema;
            if (exception is not null)
            {
                // F12, F31: healing may repair a bare value or close an object cut off after a complete value; it
                // never completes a cut-off string.
                if (options.HealArguments
                    && call.AdditionalProperties?.TryGetValue(ToolLoopPropertyNames.RawArguments, out var raw) == true && raw is string rawText
                    && ToolArgumentHealer.TryHealRaw(rawText, schema, out var healed))
                {
                    arguments = healed;
                    exception = null;
                }
                else
                {
                    invalid = true;
                    error = UnreadableCallError(call, exception, schema.GetRawText());
                }
            }

            if (error is null)
            {
                var plain = false;
                if (options.HealArguments && arguments is not null)
                {
                    arguments = ToolArgumentHealer.Heal(arguments, info, out plain);
                }

                // F9, F41
                if (ToolSchemaValidator.Validate(arguments, info, argumentsChecked: plain) is { } problems)
                {
                    invalid = true;
                    error = $"Invalid arguments for '{call.Name}': {string.Join("; ", problems)}. Send a JSON object matching this schema: {schema.GetRawText()}";
                }
            }
        }

        // F21, F30: only a call that would run can need approval; a broken call is answered, never put to the user.
        var needsApproval = error is null && _lastNeedsApproval;
        var prepared = callId == call.CallId && ReferenceEquals(arguments, call.Arguments) && ReferenceEquals(exception, call.Exception)
            ? call
            : ToolLoopHistory.WithCall(call, callId, arguments, exception);
        return new PreparedCall(call, prepared)
        {
            Function = function,
            Error = error,
            ArgumentsInvalid = invalid,
            HealedByParser = ToolLoopHistory.IsFlagSet(call.AdditionalProperties, ToolLoopPropertyNames.Healed),
            Signature = error is null ? new CallSignature(call.Name, arguments) : default,
            Kind = returned ? PreparedCallKind.Returned
                : error is not null ? PreparedCallKind.Error
                : needsApproval ? PreparedCallKind.Approval
                : PreparedCallKind.Execute,
            Failed = error is not null,
        };
    }

    /// <summary>F9, F30: what the model is told about a call whose arguments could not be read (a parse problem of the parsing client, or a provider's unparsable arguments).</summary>
    private static string UnreadableCallError(FunctionCallContent call, Exception exception, string schema)
    {
        var problem = call.AdditionalProperties?.TryGetValue(ToolLoopPropertyNames.ParseProblem, out var p) == true ? p as string : null;
        return problem == nameof(ToolCallProblemKind.Truncated)
            ? $"Your output ended while you were writing this call to '{call.Name}' ({exception.Message}), so it was not run. Call it again with complete arguments; if they are long, split the work into smaller calls."
            : $"The arguments of the call to '{call.Name}' could not be parsed ({exception.Message}), so it was not run. Send a JSON object matching this schema: {schema}";
    }

    /// <summary>The tools advertised in this request (additional tools stay unadvertised).</summary>
    private string AvailableTools()
        => requestTools is not { Count: > 0 } tools ? "none" : string.Join(", ", tools.Select(t => t.Name));
}
