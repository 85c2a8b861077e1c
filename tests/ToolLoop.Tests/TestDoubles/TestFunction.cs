using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ToolLoop.Tests;

/// <summary>An <see cref="AIFunction"/> with an explicit JSON schema that records its invocations.</summary>
public sealed class TestFunction : AIFunction
{
    private readonly Func<AIFunctionArguments, CancellationToken, ValueTask<object?>> _body;
    private readonly JsonElement _schema;
    private readonly string _name;
    private int _count;

    public TestFunction(string name, Func<AIFunctionArguments, CancellationToken, ValueTask<object?>> body, string schema = """{"type":"object","properties":{}}""")
    {
        _name = name;
        _body = body;
        _schema = JsonDocument.Parse(schema).RootElement.Clone();
    }

    public override string Name => _name;

    public override string Description => "Test function " + _name;

    public override JsonElement JsonSchema => _schema;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Canonical JSON of the arguments of every invocation, in order.</summary>
    public List<string> Invocations { get; } = [];

    public static TestFunction Returning(string name, object? result, string schema = """{"type":"object","properties":{}}""")
        => new(name, (_, _) => ValueTask.FromResult(result), schema);

    protected override ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _count);
        lock (Invocations)
        {
            Invocations.Add(ToolLoopJson.Canonical(arguments));
        }

        return _body(arguments, cancellationToken);
    }
}
