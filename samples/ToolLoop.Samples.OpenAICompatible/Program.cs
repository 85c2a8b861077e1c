// A raw-text model behind an OpenAI-compatible server (vLLM without --tool-call-parser, llama-server without --jinja,
// any chat-completions endpoint that returns the model's tool calls as text in `content`): Microsoft's OpenAI client
// as an IChatClient, ToolCallParsingChatClient beneath the loop to turn the text into calls, ToolLoopChatClient on top.
//
//   dotnet run --project samples/ToolLoop.Samples.OpenAICompatible -- http://127.0.0.1:8080/v1 [MODEL]
//
// The API key is read from OPENAI_API_KEY (local servers usually accept any). The tests run it against a local
// test server that plays such a model.
using System.ClientModel;
using System.ComponentModel;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;
using ToolLoop;

if (args.Length is < 1 or > 2 || !Uri.TryCreate(args[0], UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
{
    Console.Error.WriteLine("usage: ToolLoop.Samples.OpenAICompatible ENDPOINT [MODEL]   (ENDPOINT e.g. http://127.0.0.1:8080/v1)");
    return 2;
}

var modelName = args.Length > 1 ? args[1] : "local-model";
var apiKey = Environment.GetEnvironmentVariable("OPENAI_API_KEY") is { Length: > 0 } key ? key : "none";
IChatClient server = new ChatClient(modelName, new ApiKeyCredential(apiKey), new OpenAIClientOptions { Endpoint = endpoint })
    .AsIChatClient();

// The order rule: the first Use is the outermost client. The loop runs the calls, so it must be above the parsing
// client that makes them out of the server's text.
using IChatClient agent = new ChatClientBuilder(server)
    .UseToolLoop(o => o.MaximumIterations = 5)
    .UseToolCallParsing(ToolCallFormat.Auto)
    .Build();

var getWeather = AIFunctionFactory.Create(
    ([Description("The city")] string city) => $"{city}: 11 °C, light rain.",
    "get_weather",
    "Gets the current weather for a city.");
var question = "What's the weather in Bergen?";
Console.WriteLine($"you> {question}");

try
{
    Console.Write("model> ");
    string? stopReason = null;
    await foreach (var update in agent.GetStreamingResponseAsync(question, new ChatOptions { Tools = [getWeather] }))
    {
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case TextContent text:
                    Console.Write(text.Text);
                    break;
                case FunctionCallContent call:
                    var arguments = call.Arguments is null ? "" : string.Join(", ", call.Arguments.Select(a => $"{a.Key}: {a.Value}"));
                    Console.WriteLine($"\n  -> {call.Name}({arguments})");
                    break;
                case FunctionResultContent result:
                    Console.Write($"  <- {result.Result}\nmodel> ");
                    break;
            }
        }

        stopReason = update.AdditionalProperties?[ToolLoopPropertyNames.StopReason] as string ?? stopReason;
    }

    Console.WriteLine($"\n[stop reason: {stopReason}]");
    return 0;
}
catch (Exception e) when (ServerError(e) is { } message)
{
    // A server that is down or refuses the request: one line, no stack trace.
    Console.Error.WriteLine($"\nToolLoop.Samples.OpenAICompatible: {endpoint}: {message.ReplaceLineEndings(" ")}");
    return 1;
}

// The OpenAI client retries a failed connection and then throws an AggregateException of the attempts' errors.
static string? ServerError(Exception e) => e switch
{
    AggregateException { InnerExceptions.Count: > 0 } all => ServerError(all.InnerExceptions[^1]),
    HttpRequestException or ClientResultException => e.Message,
    _ => null,
};
