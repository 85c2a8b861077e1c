using System.Security.Cryptography;

namespace ToolLoop.LlamaCpp.Tests.Gguf;

public sealed class TinyScriptedModelTests
{
    [Fact]
    public void Reference_recipe_is_byte_identical_to_the_python_writer()
    {
        byte[] file = TinyScriptedModel.Build(TinyModelRecipe.Reference);

        Assert.Equal(230_208, file.Length);
        Assert.Equal(TinyScriptedModel.ReferenceSha256, Convert.ToHexStringLower(SHA256.HashData(file)));
    }

    [Fact]
    public void A_different_script_changes_the_file()
    {
        byte[] file = TinyScriptedModel.Build(TinyModelRecipe.Reference with { Answer = ["It is", " sunny."] });

        Assert.NotEqual(TinyScriptedModel.ReferenceSha256, Convert.ToHexStringLower(SHA256.HashData(file)));
    }

    [Fact]
    public void Duplicate_scripted_tokens_are_rejected_before_llama_cpp_sees_them()
    {
        var recipe = TinyModelRecipe.Reference with { Answer = ["Hello", " again"] };

        var error = Assert.Throws<ArgumentException>(() => TinyScriptedModel.Build(recipe));
        Assert.Contains("twice", error.Message, StringComparison.Ordinal);
    }
}
