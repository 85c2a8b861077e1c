using System.Reflection;
using System.Text;
using Xunit;

namespace ToolLoop.Tests.Templates;

/// <summary>Snapshot of the public surface of the Templates area, so an API change is a visible diff.</summary>
public sealed class TemplatesPublicApiTests
{
    private static readonly Type[] s_types =
    [
        typeof(ChatPrompt), typeof(ChatTemplate), typeof(ChatTemplateInputs), typeof(ChatTemplateOptions), typeof(ChatTemplateRenderer),
        typeof(TemplateException), typeof(TemplateSegment), typeof(ToolPromptSource),
    ];

    [Fact]
    public void Public_surface_matches_the_snapshot()
    {
        var sb = new StringBuilder();
        foreach (var type in s_types.OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            string kind = type.IsEnum ? "enum" : type.IsValueType ? "struct" : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : "class";
            sb.Append(kind).Append(' ').Append(type.FullName).AppendLine();
            var members = type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(m => m is not MethodInfo { IsSpecialName: true })
                .Where(m => !(type.IsValueType && m.Name is "Equals" or "GetHashCode" or "ToString" or "op_Equality" or "op_Inequality" or "Deconstruct" or "<Clone>$"))
                .Select(Describe)
                .OrderBy(s => s, StringComparer.Ordinal);
            foreach (var m in members)
            {
                sb.Append("  ").AppendLine(m);
            }
        }

        string actual = sb.ToString().ReplaceLineEndings("\n");
        string dir = Path.GetDirectoryName(JinjaReference.ScriptPath())!;
        string verified = Path.Combine(dir, "TemplatesPublicApi.verified.txt");
        string expected = File.Exists(verified) ? File.ReadAllText(verified).ReplaceLineEndings("\n") : "";
        if (actual != expected)
        {
            File.WriteAllText(Path.Combine(dir, "TemplatesPublicApi.received.txt"), actual);
        }

        Assert.Equal(expected, actual);
    }

    private static string Describe(MemberInfo m) => m switch
    {
        ConstructorInfo c => $"ctor({Params(c.GetParameters())})",
        MethodInfo mi => $"{(mi.IsStatic ? "static " : "")}{Name(mi.ReturnType)} {mi.Name}({Params(mi.GetParameters())})",
        PropertyInfo p => $"{Name(p.PropertyType)} {p.Name} {{ {(p.GetMethod?.IsPublic == true ? "get; " : "")}{(p.SetMethod?.IsPublic == true ? "set; " : "")}}}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{Name(f.FieldType)} {f.Name}{(f.IsLiteral ? " = " + f.GetRawConstantValue() : "")}",
        _ => m.MemberType + " " + m.Name,
    };

    private static string Params(ParameterInfo[] ps) =>
        string.Join(", ", ps.Select(p => $"{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : "")}"));

    private static string Name(Type t)
    {
        if (t.IsGenericType)
        {
            string baseName = t.Name[..t.Name.IndexOf('`', StringComparison.Ordinal)];
            return $"{t.Namespace}.{baseName}<{string.Join(", ", t.GetGenericArguments().Select(Name))}>";
        }

        return t.FullName ?? t.Name;
    }
}
