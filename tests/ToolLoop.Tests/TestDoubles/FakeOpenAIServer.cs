using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ToolLoop.Tests;

/// <summary>
/// A tiny OpenAI-compatible chat-completions server on 127.0.0.1 (a port the OS picks), playing an inference server
/// without a tool parser (vLLM or llama-server without <c>--jinja</c>): the model's tool calls arrive as raw text in
/// <c>content</c>, streamed as server-sent events or whole. It records every request body.
/// </summary>
public sealed class FakeOpenAIServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeOpenAIServer(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>The base address to give the OpenAI client (ends in <c>/v1</c>).</summary>
    public Uri Endpoint { get; }

    public List<JsonElement> Requests { get; } = [];

    public static async Task<FakeOpenAIServer> StartAsync(Func<JsonElement, string> reply, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeOpenAIServer? server = null;
        app.MapPost("/v1/chat/completions", async context =>
        {
            var body = (await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted)).RootElement.Clone();
            lock (server!.Requests)
            {
                server.Requests.Add(body);
            }

            var text = reply(body);
            if (body.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True)
            {
                context.Response.ContentType = "text/event-stream";
                foreach (var piece in text.Chunk(7))
                {
                    await WriteEventAsync(context, Chunk(new { role = "assistant", content = new string(piece) }, null));
                }

                await WriteEventAsync(context, Chunk(new { }, "stop"));
                await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new
            {
                id = "chatcmpl-1",
                @object = "chat.completion",
                created = 0,
                model = "local-model",
                choices = new[] { new { index = 0, message = new { role = "assistant", content = text }, finish_reason = "stop" } },
                usage = new { prompt_tokens = 10, completion_tokens = 5, total_tokens = 15 },
            }), context.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeOpenAIServer(app, new Uri(address.TrimEnd('/') + "/v1"));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string Chunk(object delta, string? finishReason) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-1",
        @object = "chat.completion.chunk",
        created = 0,
        model = "local-model",
        choices = new[] { new { index = 0, delta, finish_reason = finishReason } },
    });

    private static async Task WriteEventAsync(HttpContext context, string json)
    {
        await context.Response.WriteAsync("data: " + json + "\n\n", Encoding.UTF8, context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
