using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>
/// Reads tool calls that the inner client returns as text (local runtimes, raw completion endpoints) and returns them
/// as <see cref="FunctionCallContent"/>, with the markup removed from <see cref="TextContent"/> and reasoning as
/// <see cref="TextReasoningContent"/>. Structured contents from the inner client pass through untouched.
/// </summary>
/// <remarks>
/// <para>Streaming: prose flows as it arrives; only the tail that may still become a marker waits, and a call is
/// yielded when it is complete.</para>
/// <para>The tools declared in <see cref="ChatOptions.Tools"/> are passed to the parser (names and schemas): bare JSON
/// calls are recognised only for them, and Qwen3-Coder/GLM values are typed by their schemas. Whether a call names a
/// declared tool is for the tool loop above to judge (it answers unknown tools with an error result).</para>
/// <para>Malformed calls are never dropped (feature 30): a broken call that names a tool becomes a
/// <see cref="FunctionCallContent"/> whose <see cref="FunctionCallContent.Exception"/> says what was wrong, so the tool
/// loop answers it with an error result; one whose name cannot be read becomes an <see cref="ErrorContent"/>, which the
/// loop reports to the model in a message of its own. See <see cref="ParsedContent.ToContent(ToolCallParseEvent)"/>.</para>
/// <para>It must sit beneath the client that runs the calls; the constructor throws when it finds one beneath it.</para>
/// <para>Thread-safe: each request has its own parser.</para>
/// </remarks>
public sealed class ToolCallParsingChatClient : DelegatingChatClient
{
    // Written and read without a lock: a request sees either the last entry or a newer one, each complete.
    private ResolvedOptions? _resolved;

    /// <summary>Initializes a new instance of the <see cref="ToolCallParsingChatClient"/> class.</summary>
    /// <param name="innerClient">The client whose text output to parse. It must not run tools itself.</param>
    /// <param name="options">Options; <see langword="null"/> for defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">
    /// A tool-invoking client (<see cref="ToolLoopChatClient"/> or <see cref="FunctionInvokingChatClient"/>) is beneath
    /// this one: the calls read here would never run (feature 38). The message names the right order.
    /// </exception>
    public ToolCallParsingChatClient(IChatClient innerClient, ToolCallParsingOptions? options = null)
        : base(innerClient)
    {
        var invoker = innerClient.GetService(typeof(ToolLoopChatClient)) is not null ? nameof(ToolLoopChatClient)
            : innerClient.GetService(typeof(FunctionInvokingChatClient)) is not null ? nameof(FunctionInvokingChatClient)
            : null;
        if (invoker is not null)
        {
            throw new InvalidOperationException(
                $"A {nameof(ToolCallParsingChatClient)} must sit beneath the client that runs the tool calls, but a {invoker} is beneath it, so the calls it reads would be returned unexecuted. "
                + "With ChatClientBuilder the first Use… is the outermost client: write builder.UseToolLoop().UseToolCallParsing() (or UseFunctionInvocation().UseToolCallParsing()), "
                + "or let the loop read text calls itself with UseToolLoop(o => o.TextToolCalls = ToolCallFormat.Auto). By hand: inner.AsToolCallParsing().AsToolLoop().");
        }

        Options = options ?? new ToolCallParsingOptions();
    }

    /// <summary>Gets the options. Changing them affects later requests.</summary>
    public ToolCallParsingOptions Options { get; }

    /// <inheritdoc/>
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        foreach (var message in response.Messages)
        {
            if (!HasText(message.Contents))
            {
                continue;
            }

            var (format, parserOptions) = Resolve(options);
            using var parser = new StreamingToolCallParser(format, parserOptions);
            var events = new List<ToolCallParseEvent>();
            var ids = new ProblemIds(format, parserOptions.CallIdFactory!);
            var contents = Parse(message.Contents, parser, events, ids) ?? new List<AIContent>(events.Count);
            parser.Complete(events);
            Drain(events, contents, ids);
            message.Contents = contents;
        }

        return response;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (format, parserOptions) = Resolve(options);
        using var parser = new StreamingToolCallParser(format, parserOptions);
        var events = new List<ToolCallParseEvent>();
        var ids = new ProblemIds(format, parserOptions.CallIdFactory!);
        ChatResponseUpdate? last = null;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            last = update;
            if (!HasText(update.Contents))
            {
                yield return update;
                continue;
            }

            var contents = Parse(update.Contents, parser, events, ids);

            // An update whose text is all held back (a possible marker) carries nothing yet, unless it ends the response.
            if (contents is not null || update.FinishReason is not null)
            {
                var copy = Copy(update);
                copy.Contents = contents ?? [];
                yield return copy;
            }
        }

        parser.Complete(events);
        if (events.Count > 0)
        {
            var tail = new List<AIContent>(events.Count);
            Drain(events, tail, ids);
            yield return new ChatResponseUpdate(ChatRole.Assistant, tail)
            {
                ResponseId = last?.ResponseId,
                MessageId = last?.MessageId,
                ConversationId = last?.ConversationId,
                ModelId = last?.ModelId,
                CreatedAt = last?.CreatedAt,
            };
        }
    }

    private static ChatResponseUpdate Copy(ChatResponseUpdate update) => new()
    {
        AuthorName = update.AuthorName,
        Role = update.Role,
        ResponseId = update.ResponseId,
        MessageId = update.MessageId,
        ConversationId = update.ConversationId,
        CreatedAt = update.CreatedAt,
        FinishReason = update.FinishReason,
        ModelId = update.ModelId,
        AdditionalProperties = update.AdditionalProperties,
        RawRepresentation = update.RawRepresentation,
    };

    private static bool HasText(IList<AIContent> contents)
    {
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is TextContent)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Feeds the text contents to the parser in order; other contents keep their place among the parsed ones.
    /// <see langword="null"/> when nothing came out yet (streaming, most updates inside a call), so such an update costs no list.
    /// </summary>
    private static List<AIContent>? Parse(IList<AIContent> input, StreamingToolCallParser parser, List<ToolCallParseEvent> events, ProblemIds ids)
    {
        List<AIContent>? contents = null;
        for (var i = 0; i < input.Count; i++)
        {
            var content = input[i];
            if (content is TextContent text)
            {
                parser.Append(text.Text.AsSpan(), events);
                if (events.Count > 0)
                {
                    Drain(events, contents ??= new List<AIContent>(input.Count - i + events.Count - 1), ids);
                }
            }
            else
            {
                (contents ??= new List<AIContent>(input.Count - i)).Add(content);
            }
        }

        return contents;
    }

    private static void Drain(List<ToolCallParseEvent> events, List<AIContent> contents, ProblemIds ids)
    {
        foreach (var e in events)
        {
            contents.Add(ParsedContent.ToContent(e, ids.Next));
        }

        events.Clear();
    }

    /// <summary>Ids for broken calls that name a tool, from the same factory as the parser's, so a request's ids are consistent (and deterministic in tests).</summary>
    private sealed class ProblemIds
    {
        private int _next;

        public ProblemIds(ToolCallFormat format, Func<ToolCallFormat, int, string> factory) => Next = () => factory(format, _next++);

        /// <summary>The next id; one delegate per request rather than one per parsed event.</summary>
        public Func<string> Next { get; }
    }

    /// <summary>The parser options last built from a request's options, reused while they still describe the request.</summary>
    private sealed class ResolvedOptions(bool startInReasoning, int maxToolCallBytes, int maxJsonDepth, Func<ToolCallFormat, int, string>? callIdFactory, AITool[] tools, ToolCallParserOptions parserOptions)
    {
        public ToolCallParserOptions ParserOptions { get; } = parserOptions;

        /// <summary>Tools are compared by instance: a declaration's schema is taken to be fixed for its lifetime (as the loop's schema cache does).</summary>
        public bool Matches(bool reasoningOpen, ToolCallParsingOptions options, IList<AITool>? requestTools)
        {
            if (reasoningOpen != startInReasoning || options.MaxToolCallBytes != maxToolCallBytes || options.MaxJsonDepth != maxJsonDepth
                || !ReferenceEquals(options.CallIdFactory, callIdFactory) || (requestTools?.Count ?? 0) != tools.Length)
            {
                return false;
            }

            for (var i = 0; i < tools.Length; i++)
            {
                if (!ReferenceEquals(requestTools![i], tools[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }

    private (ToolCallFormat Format, ToolCallParserOptions Options) Resolve(ChatOptions? chatOptions)
    {
        var format = Options.Format;
        var reasoningOpen = Options.StartInReasoning;
        if (chatOptions?.AdditionalProperties is { } props)
        {
            if (props.TryGetValue(ToolCallParsingOptions.FormatKey, out var f))
            {
                format = f switch
                {
                    ToolCallFormat tf => tf,
                    string s when ToolCallFormats.TryParse(s, out var parsed) => parsed,
                    _ => throw new ArgumentException($"ChatOptions.AdditionalProperties[\"{ToolCallParsingOptions.FormatKey}\"] must be a ToolCallFormat or a format name; got '{f}'.", nameof(chatOptions)),
                };
            }

            if (props.TryGetValue(ToolCallParsingOptions.ReasoningOpenKey, out var r))
            {
                reasoningOpen = r is bool b ? b : throw new ArgumentException($"ChatOptions.AdditionalProperties[\"{ToolCallParsingOptions.ReasoningOpenKey}\"] must be a bool.", nameof(chatOptions));
            }
        }

        var requestTools = chatOptions?.Tools;
        if (_resolved is { } last && last.Matches(reasoningOpen, Options, requestTools))
        {
            return (format, last.ParserOptions);
        }

        var parserOptions = new ToolCallParserOptions
        {
            StartInReasoning = reasoningOpen,
            MaxToolCallBytes = Options.MaxToolCallBytes,
            MaxJsonDepth = Options.MaxJsonDepth,
            CallIdFactory = Options.CallIdFactory ?? ((family, _) => ParsedContent.NewCallId(family)),
        };

        foreach (var tool in requestTools ?? [])
        {
            if (tool is AIFunctionDeclaration declaration)
            {
                parserOptions.Tools.Add(new DeclaredTool(declaration.Name, declaration.JsonSchema.ValueKind == JsonValueKind.Object ? declaration.JsonSchema : null));
            }
        }

        // Shared by the requests that match it; nothing changes parser options once built.
        _resolved = new ResolvedOptions(reasoningOpen, Options.MaxToolCallBytes, Options.MaxJsonDepth, Options.CallIdFactory, requestTools?.ToArray() ?? [], parserOptions);
        return (format, parserOptions);
    }
}
