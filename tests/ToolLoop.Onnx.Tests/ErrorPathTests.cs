using Microsoft.Extensions.AI;
using ToolLoop.Onnx.Tests.TinyModel;

namespace ToolLoop.Onnx.Tests;

/// <summary>Each failure is an <see cref="OnnxGenAIException"/> of its kind, naming the cause and what to do.</summary>
public sealed class ErrorPathTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void A_missing_folder_is_reported_before_GenAI_is_called()
    {
        string path = Path.Combine(Path.GetTempPath(), "toolloop-missing-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<OnnxGenAIException>(() => new OnnxGenAIChatClient(path));

        Assert.Equal(OnnxGenAIErrorKind.ModelFolder, error.Kind);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_without_genai_config_says_it_is_not_a_GenAI_model_folder()
    {
        string folder = TestModels.Write(TinyGenAiRecipe.Reference);
        File.Delete(Path.Combine(folder, "genai_config.json"));

        var error = Assert.Throws<OnnxGenAIException>(() => new OnnxGenAIChatClient(folder));

        Assert.Equal(OnnxGenAIErrorKind.ModelFolder, error.Kind);
        Assert.Contains("genai_config.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Broken_json_names_the_file()
    {
        string folder = TestModels.Write(TinyGenAiRecipe.Reference);
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), "{ \"chat_template\": ");

        var error = Assert.Throws<OnnxGenAIException>(() => new OnnxGenAIChatClient(folder));

        Assert.Equal(OnnxGenAIErrorKind.ModelFolder, error.Kind);
        Assert.Contains("tokenizer_config.json", error.Message, StringComparison.Ordinal);
        Assert.IsType<System.Text.Json.JsonException>(error.InnerException, exactMatch: false);
    }

    [Fact]
    public void A_config_GenAI_rejects_carries_its_message()
    {
        string folder = TestModels.Write(TinyGenAiRecipe.Reference);
        string config = Path.Combine(folder, "genai_config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"model.onnx\"", "\"missing.onnx\"", StringComparison.Ordinal));

        var error = Assert.Throws<OnnxGenAIException>(() => new OnnxGenAIChatClient(folder));

        Assert.Equal(OnnxGenAIErrorKind.ModelLoad, error.Kind);
        Assert.Contains(folder, error.Message, StringComparison.Ordinal);
        Assert.Contains("missing.onnx", error.Message, StringComparison.Ordinal);
        Assert.Contains(error.NativeLog, line => line.Contains("missing.onnx", StringComparison.Ordinal));
        Assert.IsType<Microsoft.ML.OnnxRuntimeGenAI.OnnxRuntimeGenAIException>(error.InnerException);
    }

    [Fact]
    public void A_template_that_does_not_parse_is_reported_at_construction()
    {
        var error = Assert.Throws<OnnxGenAIException>(() => new OnnxGenAIChatClient(
            TestModels.ReferenceModel, TestModels.ReferenceFolder, new OnnxGenAIChatClientOptions { ChatTemplate = "{% for m in messages %}{{ m.content }}" }));

        Assert.Equal(OnnxGenAIErrorKind.ChatTemplate, error.Kind);
        Assert.Contains("OnnxGenAIChatClientOptions.ChatTemplate", error.Message, StringComparison.Ordinal);
        Assert.IsType<TemplateException>(error.InnerException);
    }

    [Fact]
    public async Task A_template_that_raises_on_a_conversation_is_reported_with_its_message()
    {
        // The renderer learns what a template refuses by probing it (a refused system role is folded into the first
        // user message), so the template here raises on something only this conversation carries.
        const string Template = "{%- for m in messages %}{%- if 'forbidden' in m.content %}{{ raise_exception('Forbidden word in a message') }}{%- endif %}{{ m.content }}{%- endfor %}";
        using var client = new OnnxGenAIChatClient(TestModels.ReferenceModel, TestModels.ReferenceFolder, new OnnxGenAIChatClientOptions { ChatTemplate = Template });

        var error = await Assert.ThrowsAsync<OnnxGenAIException>(() => client.GetResponseAsync([new(ChatRole.User, "a forbidden request")], cancellationToken: Ct));

        Assert.Equal(OnnxGenAIErrorKind.ChatTemplate, error.Kind);
        Assert.Contains("Forbidden word in a message", error.Message, StringComparison.Ordinal);
        ChatResponse fine = await client.GetResponseAsync([new(ChatRole.User, "Hi")], cancellationToken: Ct);
        Assert.NotNull(fine);
    }

    [Fact]
    public async Task A_template_refusing_the_system_role_gets_the_system_message_folded_into_the_first_user_message()
    {
        const string Template = "{%- if messages[0].role == 'system' %}{{ raise_exception('System role not supported') }}{%- endif %}{%- for m in messages %}{{ m.content }}{%- endfor %}";
        using var client = new OnnxGenAIChatClient(TestModels.ReferenceModel, TestModels.ReferenceFolder, new OnnxGenAIChatClientOptions { ChatTemplate = Template });

        ChatResponse response = await client.GetResponseAsync([new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hi")], cancellationToken: Ct);

        Assert.NotNull(response);
    }

    [Fact]
    public async Task A_prompt_longer_than_the_context_is_a_context_full_error()
    {
        using var client = new OnnxGenAIChatClient(TestModels.ReferenceModel, TestModels.ReferenceFolder, new OnnxGenAIChatClientOptions { ContextSize = 32 });

        var error = await Assert.ThrowsAsync<OnnxGenAIException>(() => client.GetResponseAsync([new(ChatRole.User, new string('x', 200))], cancellationToken: Ct));

        Assert.Equal(OnnxGenAIErrorKind.ContextFull, error.Kind);
    }

    [Fact]
    public void A_context_size_above_the_model_context_length_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxGenAIChatClient(
            TestModels.ReferenceModel, TestModels.ReferenceFolder, new OnnxGenAIChatClientOptions { ContextSize = 8192 }));

        Assert.Contains("context_length (4096)", error.Message, StringComparison.Ordinal);
    }
}
