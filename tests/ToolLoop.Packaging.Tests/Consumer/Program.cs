// A consumer of the packed packages: the parser, the loop over a scripted raw-text client, and the ONNX adapter on the
// tiny scripted model folder given as the first argument. Prints one line per check; exits 1 at the first failure.
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.ML.OnnxRuntimeGenAI;
using ToolLoop;
using ToolLoop.LlamaCpp;
using ToolLoop.Onnx;

if (args.Length != 1)
{
    return Fail("usage: Consumer <tiny GenAI model folder>");
}

int weatherCalls = 0;
AIFunction weather = AIFunctionFactory.Create(
    (string city) => { weatherCalls++; return $"{city}: sunny, 22 C"; }, "get_weather", "Current weather for a city.");
const string Call = "<tool_call>{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}</tool_call>";

// The parser.
ToolCallParseResult parsed = ToolCallParser.Parse("Let me look.\n" + Call, ToolCallFormat.Hermes);
if (parsed.Calls.Count != 1 || parsed.Calls[0].Name != "get_weather"
    || JsonDocument.Parse(parsed.Calls[0].ArgumentsJson).RootElement.GetProperty("city").GetString() != "Paris")
{
    return Fail($"parser: {parsed.Calls.Count} calls");
}

Console.WriteLine($"parser: {parsed.Calls[0].Name} {parsed.Calls[0].ArgumentsJson}");

// The loop, over a client that writes its tool call as text.
var scripted = new ScriptedChatClient(Call, "Paris is sunny today.");
using (IChatClient agent = scripted.AsToolCallParsing(ToolCallFormat.Hermes).AsToolLoop())
{
    ChatResponse reply = await agent.GetResponseAsync("What's the weather in Paris?", new ChatOptions { Tools = [weather] });
    bool resultSent = scripted.LastRequest.SelectMany(m => m.Contents).OfType<FunctionResultContent>()
        .Any(r => r.Result?.ToString()?.Contains("Paris: sunny, 22 C", StringComparison.Ordinal) == true);
    if (weatherCalls != 1 || !resultSent || reply.Text != "Paris is sunny today.")
    {
        return Fail($"loop: {weatherCalls} calls, result sent: {resultSent}, reply '{reply.Text}'");
    }

    Console.WriteLine($"loop: {weatherCalls} call, reply '{reply.Text}'");
}

// The llama.cpp adapter's package restores and its API compiles (no GGUF model here).
Console.WriteLine($"llamacpp: {nameof(LlamaCppChatClient)} {new LlamaCppChatClientOptions().GetType().Name}");

// The ONNX adapter on the tiny scripted model: it calls get_weather(Paris), then answers from the result.
using (var oga = new OgaHandle())
{
    using (IChatClient agent = new OnnxGenAIChatClient(args[0]).AsToolLoop())
    {
        ChatResponse reply = await agent.GetResponseAsync("What's the weather in Paris?", new ChatOptions { Tools = [weather] });
        if (weatherCalls != 2 || !reply.Text.Contains("sunny, 22 C", StringComparison.Ordinal))
        {
            return Fail($"onnx: {weatherCalls - 1} calls, reply '{reply.Text}'");
        }

        Console.WriteLine($"onnx: 1 call, reply '{reply.Text}'");
    }
}

return 0;

static int Fail(string message)
{
    Console.Error.WriteLine("FAILED " + message);
    return 1;
}

/// <summary>Answers each request with the next scripted text, as a raw-text model would.</summary>
internal sealed class ScriptedChatClient(params string[] replies) : IChatClient
{
    private int _next;

    public IReadOnlyList<ChatMessage> LastRequest { get; private set; } = [];

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        LastRequest = [.. messages];
        return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, replies[_next++])));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ChatResponse response = await GetResponseAsync(messages, options, cancellationToken);
        foreach (ChatResponseUpdate update in response.ToChatResponseUpdates())
        {
            yield return update;
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose()
    {
    }
}
