using System.Security.Cryptography;

namespace ToolLoop.Onnx.Tests.TinyModel;

public sealed class TinyGenAiModelTests
{
    [Fact]
    public void Reference_recipe_is_byte_identical_to_the_python_writer()
    {
        var files = TinyGenAiModel.Build(TinyGenAiRecipe.Reference).ToDictionary(f => f.Name, f => f.Bytes);

        Assert.Equal(["genai_config.json", "tokenizer.json", "tokenizer_config.json", "model.onnx"], files.Keys);
        Assert.Equal(321_980, files["model.onnx"].Length);
        Assert.Equal(TinyGenAiModel.GenAiConfigSha256, Sha256(files["genai_config.json"]));
        Assert.Equal(TinyGenAiModel.ModelSha256, Sha256(files["model.onnx"]));
        Assert.Equal(TinyGenAiModel.TokenizerSha256, Sha256(files["tokenizer.json"]));
        Assert.Equal(TinyGenAiModel.TokenizerConfigSha256, Sha256(files["tokenizer_config.json"]));
    }

    [Fact]
    public void Two_builds_give_the_same_bytes()
    {
        var first = TinyGenAiModel.Build(TinyGenAiRecipe.Reference);
        var second = TinyGenAiModel.Build(TinyGenAiRecipe.Reference);

        Assert.Equal(first.Select(f => Sha256(f.Bytes)), second.Select(f => Sha256(f.Bytes)));
    }

    [Fact]
    public void A_different_script_or_template_changes_only_the_files_it_touches()
    {
        var reference = TinyGenAiModel.Build(TinyGenAiRecipe.Reference).ToDictionary(f => f.Name, f => Sha256(f.Bytes));
        var answer = TinyGenAiModel.Build(TinyGenAiRecipe.Reference with { Answer = ["It is", " sunny."] }).ToDictionary(f => f.Name, f => Sha256(f.Bytes));
        var template = TinyGenAiModel.Build(TinyGenAiRecipe.Reference with { ChatTemplate = "{{ messages[0].content }}" }).ToDictionary(f => f.Name, f => Sha256(f.Bytes));

        Assert.NotEqual(reference["model.onnx"], answer["model.onnx"]);
        Assert.NotEqual(reference["tokenizer.json"], answer["tokenizer.json"]);
        Assert.Equal(reference["model.onnx"], template["model.onnx"]);
        Assert.NotEqual(reference["tokenizer_config.json"], template["tokenizer_config.json"]);
    }

    [Fact]
    public void Repeated_script_pieces_are_rejected()
    {
        var recipe = TinyGenAiRecipe.Reference with { Answer = ["Hello", " again"] };

        var error = Assert.Throws<ArgumentException>(() => TinyGenAiModel.Build(recipe));
        Assert.Contains("different token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Python_json_writer_matches_python_spacing_and_escapes()
    {
        var obj = new OrderedDictionary<string, object?>
        {
            ["a"] = new object?[] { 1, 2.5, 0.0, 1e-5, true, null },
            ["e"] = Array.Empty<object>(),
            ["o"] = new OrderedDictionary<string, object?>(),
            ["s"] = "q\"\\\n\u0001é\u2028",
        };

        string text = System.Text.Encoding.UTF8.GetString(PythonJson.Dump(obj));

        // python3 -c 'import json; print(json.dumps({"a": [1, 2.5, 0.0, 1e-5, True, None], "e": [], "o": {}, "s": "q\"\\\n\x01é\u2028"}, indent=1, ensure_ascii=False))'
        Assert.Equal("{\n \"a\": [\n  1,\n  2.5,\n  0.0,\n  1e-05,\n  true,\n  null\n ],\n \"e\": [],\n \"o\": {},\n \"s\": \"q\\\"\\\\\\n\\u0001é\u2028\"\n}\n", text);
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
