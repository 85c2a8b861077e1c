using System.Reflection;
using System.Text;

namespace ToolLoop.LlamaCpp.Tests;

/// <summary>The public surface of ToolLoop.LlamaCpp, compared with the committed snapshot so an API change is a visible diff.</summary>
public sealed class PublicApiTests
{
    [Fact]
    public void Public_surface_matches_the_snapshot()
    {
        string actual = Describe(typeof(LlamaCppChatClient).Assembly);
        string snapshotPath = Path.Combine(AppContext.BaseDirectory, "PublicApi.verified.txt");
        string expected = File.Exists(snapshotPath) ? File.ReadAllText(snapshotPath).ReplaceLineEndings("\n") : string.Empty;

        if (actual != expected)
        {
            File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "PublicApi.received.txt"), actual);
        }

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void No_native_pointer_types_in_the_public_surface()
    {
        string surface = Describe(typeof(LlamaCppChatClient).Assembly);

        Assert.DoesNotContain("IntPtr", surface, StringComparison.Ordinal);
        Assert.DoesNotContain("SafeHandle", surface, StringComparison.Ordinal);
        Assert.DoesNotContain("*", surface, StringComparison.Ordinal);
    }

    private static string Describe(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (Type type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.Append(type.IsEnum ? "enum " : type.IsValueType ? "struct " : type.IsInterface ? "interface " : "class ")
                .Append(type.FullName);
            if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType) && baseType != typeof(Enum))
            {
                text.Append(" : ").Append(Name(baseType));
            }

            text.Append('\n');
            foreach (string member in type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Select(Member)
                .Where(m => m is not null)
                .Order(StringComparer.Ordinal)!)
            {
                text.Append("  ").Append(member).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string? Member(MemberInfo member) => member switch
    {
        ConstructorInfo c => $"ctor({Parameters(c)})",
        MethodInfo { IsSpecialName: true } => null,
        MethodInfo m => $"{(m.IsStatic ? "static " : string.Empty)}{Name(m.ReturnType)} {m.Name}({Parameters(m)})",
        PropertyInfo p => $"{(p.GetMethod?.IsStatic == true ? "static " : string.Empty)}{Name(p.PropertyType)} {p.Name} {{ {(p.GetMethod?.IsPublic == true ? "get; " : string.Empty)}{(p.SetMethod?.IsPublic == true ? "set; " : string.Empty)}}}",
        FieldInfo f => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : string.Empty)}{Name(f.FieldType)} {f.Name}",
        EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
        Type t => $"nested {t.Name}",
        _ => member.ToString(),
    };

    private static string Parameters(MethodBase method)
        => string.Join(", ", method.GetParameters().Select(p => $"{Name(p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : string.Empty)}"));

    private static string Name(Type type)
    {
        if (type.IsGenericType)
        {
            string name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
            return $"{type.Namespace}.{name}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>";
        }

        return type.FullName ?? type.Name;
    }
}
