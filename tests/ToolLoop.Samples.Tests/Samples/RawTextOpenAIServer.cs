using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace ToolLoop.Samples.Tests.Samples;

/// <summary>
/// A local OpenAI-compatible chat-completions endpoint (<c>POST /v1/chat/completions</c> on 127.0.0.1) that plays a
/// model served without a tool parser: its reply, tool calls included, is raw text in <c>content</c>, streamed as
/// server-sent events when the request asks for a stream. It records every request body.
/// </summary>
internal sealed class RawTextOpenAIServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<JsonElement, string> _reply;
    private readonly Task _serving;

    public RawTextOpenAIServer(Func<JsonElement, string> reply)
    {
        _reply = reply;
        // The OS picks a free port; HttpListener needs it named.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{port}/v1");
        _serving = ServeAsync();
    }

    /// <summary>The base address for the OpenAI client.</summary>
    public Uri Endpoint { get; }

    public List<JsonElement> Requests { get; } = [];

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        _listener.Close();
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            var context = await _listener.GetContextAsync();
            using var response = context.Response;
            if (context.Request.HttpMethod != "POST" || context.Request.Url?.AbsolutePath != "/v1/chat/completions")
            {
                response.StatusCode = 404;
                continue;
            }

            var body = (await JsonDocument.ParseAsync(context.Request.InputStream)).RootElement.Clone();
            lock (Requests)
            {
                Requests.Add(body);
            }

            var text = _reply(body);
            if (body.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True)
            {
                response.ContentType = "text/event-stream";
                // Small pieces, so the markup arrives split as a real server streams it.
                foreach (var piece in text.Chunk(7))
                {
                    await WriteAsync(response, "data: " + Chunk(new { role = "assistant", content = new string(piece) }, null) + "\n\n");
                }

                await WriteAsync(response, "data: " + Chunk(new { }, "stop") + "\n\ndata: [DONE]\n\n");
                continue;
            }

            response.ContentType = "application/json";
            await WriteAsync(response, JsonSerializer.Serialize(new
            {
                id = "chatcmpl-1",
                @object = "chat.completion",
                created = 0,
                model = "local-model",
                choices = new[] { new { index = 0, message = new { role = "assistant", content = text }, finish_reason = "stop" } },
            }));
        }
    }

    private static string Chunk(object delta, string? finishReason) => JsonSerializer.Serialize(new
    {
        id = "chatcmpl-1",
        @object = "chat.completion.chunk",
        created = 0,
        model = "local-model",
        choices = new[] { new { index = 0, delta, finish_reason = finishReason } },
    });

    private static async Task WriteAsync(HttpListenerResponse response, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await response.OutputStream.WriteAsync(bytes);
        await response.OutputStream.FlushAsync();
    }
}
