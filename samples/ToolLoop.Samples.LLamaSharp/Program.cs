// An application that already uses LLamaSharp adds tool calling to the LLamaWeights it loads: wrap the weights in a
// LlamaCppChatClient (it renders the GGUF's own chat template with the tools and parses the model's tool-call markup),
// then put the tool loop on top. The weights stay the application's: dispose them after their clients.
//
//   dotnet run --project samples/ToolLoop.Samples.LLamaSharp -- path/to/model.gguf
//   dotnet run --project samples/ToolLoop.Samples.LLamaSharp          (no model: the tiny scripted GGUF of the tests)
using LLama;
using LLama.Common;
using Microsoft.Extensions.AI;
using ToolLoop;
using ToolLoop.LlamaCpp;
using ToolLoop.TinyModels;

var path = args.Length > 0 ? args[0] : WriteTinyModel();

// Optional: loads the natives once and routes llama.cpp's log through ToolLoop (an ILogger; silent by default).
// Without it, LLamaSharp prints llama.cpp's whole load log to the console.
LlamaCppRuntime.Initialize();

using LLamaWeights weights = LLamaWeights.LoadFromFile(new ModelParams(path) { GpuLayerCount = 0 });
using (var local = new LlamaCppChatClient(weights, new LlamaCppChatClientOptions { ContextSize = 4096, ThreadCount = 1 }))
{
    var agent = local.AsToolLoop();
    Console.WriteLine($"model: {local.Metadata.DefaultModelId}, tool calls in the {ToolCallFormats.GetName(local.ToolCallFormat)} format");

    var weather = AIFunctionFactory.Create(
        (string city) => $"{city}: sunny, 22 C",
        "get_weather",
        "Gets the current weather for a city.");
    List<ChatMessage> messages = [new(ChatRole.User, "What's the weather in Paris?")];
    Console.WriteLine("you> " + messages[0].Text);

    await foreach (var update in agent.GetStreamingResponseAsync(messages, new ChatOptions { Tools = [weather] }))
    {
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case FunctionCallContent call:
                    Console.WriteLine($"  -> {call.Name}({string.Join(", ", call.Arguments?.Select(a => $"{a.Key}: {a.Value}") ?? [])})");
                    break;
                case FunctionResultContent result:
                    Console.WriteLine($"  <- {result.Result}");
                    break;
                case TextContent text:
                    Console.Write(text.Text);
                    break;
            }
        }
    }

    Console.WriteLine();
    Console.WriteLine($"KV cache: {local.Statistics.PromptTokensReused} of {local.Statistics.PromptTokens} prompt tokens reused in the last request");
}

// The client is gone; the weights are still the application's to use.
Console.WriteLine($"weights still open: {!weights.NativeHandle.IsClosed}");
return 0;

// The tiny scripted model: a bigram table that calls get_weather(Paris) when tools are declared, and answers once the
// result is in the prompt. It exercises the real llama.cpp pipeline, not model quality.
static string WriteTinyModel()
{
    var file = Path.Combine(Path.GetTempPath(), $"toolloop-sample-{Environment.ProcessId}.gguf");
    File.WriteAllBytes(file, TinyScriptedModel.Build(TinyModelRecipe.Reference with { ChatTemplate = TinyGenAiModel.ChatTemplate }));
    Console.WriteLine($"(no model given: wrote the tiny scripted GGUF to {file})");
    return file;
}
