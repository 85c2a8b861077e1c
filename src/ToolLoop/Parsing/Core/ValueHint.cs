namespace ToolLoop.Parsing;

/// <summary>How the markup says a tagged value is typed.</summary>
internal enum ValueHint
{
    /// <summary>No hint: the tool's JSON schema types the value (<see cref="TaggedValues"/>).</summary>
    Schema,

    /// <summary>The value is text (DSML <c>string="true"</c>, Kimi K3 <c>type="string"</c>): kept as a JSON string.</summary>
    Text,

    /// <summary>The value is JSON (DSML <c>string="false"</c>, Kimi K3 <c>type="number"</c>…): parsed, or kept as text when it does not parse.</summary>
    Json,
}
