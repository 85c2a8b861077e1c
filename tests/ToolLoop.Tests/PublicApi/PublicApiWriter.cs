using System.Reflection;
using System.Text;

namespace ToolLoop.Tests.PublicApi;

/// <summary>Writes an assembly's public surface as sorted, one-line C#-like signatures.</summary>
public static class PublicApiWriter
{
    private static readonly NullabilityInfoContext s_nullability = new();

    public static string Write(Assembly assembly)
    {
        var sb = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            sb.Append(TypeHeader(type)).Append('\n');
            foreach (var line in Members(type).Order(StringComparer.Ordinal))
            {
                sb.Append("  ").Append(line).Append('\n');
            }
        }

        return sb.ToString();
    }

    private static string TypeHeader(Type type)
    {
        string kind;
        if (type.IsEnum)
        {
            kind = "enum";
        }
        else if (type.IsInterface)
        {
            kind = "interface";
        }
        else if (type.IsValueType)
        {
            kind = type.IsDefined(typeof(System.Runtime.CompilerServices.IsReadOnlyAttribute)) ? "readonly struct" : "struct";
        }
        else if (typeof(Delegate).IsAssignableFrom(type))
        {
            kind = "delegate";
        }
        else
        {
            kind = type is { IsAbstract: true, IsSealed: true } ? "static class" : type.IsAbstract ? "abstract class" : type.IsSealed ? "sealed class" : "class";
        }

        var bases = new List<string>();
        if (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum) && b != typeof(MulticastDelegate))
        {
            bases.Add(Name(b));
        }

        bases.AddRange(type.GetInterfaces().Where(i => i.IsPublic).Select(Name).Order(StringComparer.Ordinal));
        return $"public {kind} {Name(type)}" + (bases.Count > 0 ? " : " + string.Join(", ", bases) : string.Empty);
    }

    private static IEnumerable<string> Members(Type type)
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.IsEnum)
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                yield return $"{field.Name} = {Convert.ToInt64(field.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}";
            }

            yield break;
        }

        foreach (var member in type.GetMembers(flags))
        {
            var line = member switch
            {
                ConstructorInfo c when Visible(c) => $"{Access(c)}{Name(type).Split('.')[^1]}({Parameters(c)})",
                MethodInfo m when Visible(m) && !m.IsSpecialName => $"{Access(m)}{Modifiers(m)}{Nullable(m.ReturnParameter)} {m.Name}{Generic(m)}({Parameters(m)})",
                PropertyInfo p when Visible(p.GetMethod) || Visible(p.SetMethod) => Property(p),
                FieldInfo f when f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly => Field(f),
                EventInfo e when Visible(e.AddMethod) => $"public event {Name(e.EventHandlerType!)} {e.Name}",
                _ => null,
            };
            if (line is not null)
            {
                yield return line;
            }
        }
    }

    private static bool Visible(MethodBase? m) => m is not null && (m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly);

    private static string Access(MethodBase m) => m.IsPublic ? "public " : "protected ";

    private static string Modifiers(MethodInfo m)
    {
        if (m.IsStatic)
        {
            return "static ";
        }

        if (m.IsAbstract)
        {
            return "abstract ";
        }

        if (m.IsVirtual && !m.IsFinal)
        {
            return m.GetBaseDefinition() == m ? "virtual " : "override ";
        }

        return m.IsVirtual && m.GetBaseDefinition() != m ? "sealed override " : string.Empty;
    }

    private static string Property(PropertyInfo p)
    {
        var accessor = p.GetMethod ?? p.SetMethod!;
        var accessors = new List<string>();
        if (Visible(p.GetMethod))
        {
            accessors.Add("get;");
        }

        if (Visible(p.SetMethod))
        {
            var isInit = p.SetMethod!.ReturnParameter.GetRequiredCustomModifiers().Any(t => t.FullName == "System.Runtime.CompilerServices.IsExternalInit");
            accessors.Add(isInit ? "init;" : "set;");
        }

        var name = p.GetIndexParameters().Length > 0 ? $"this[{Parameters(p.GetIndexParameters())}]" : p.Name;
        return $"{Access(accessor)}{Modifiers((MethodInfo)accessor)}{Nullable(p)} {name} {{ {string.Join(" ", accessors)} }}";
    }

    private static string Field(FieldInfo f)
    {
        var access = f.IsPublic ? "public " : "protected ";
        if (f.IsLiteral)
        {
            var value = f.GetRawConstantValue();
            var literal = value is string s ? $"\"{s}\"" : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
            return $"{access}const {Name(f.FieldType)} {f.Name} = {literal};";
        }

        return $"{access}{(f.IsStatic ? "static " : string.Empty)}{(f.IsInitOnly ? "readonly " : string.Empty)}{Nullable(f)} {f.Name};";
    }

    private static string Parameters(MethodBase m) => Parameters(m.GetParameters());

    private static string Parameters(ParameterInfo[] parameters) => string.Join(", ", parameters.Select(p =>
    {
        var prefix = p.IsOut ? "out " : p.ParameterType.IsByRef ? (p.IsIn ? "in " : "ref ") : p.IsDefined(typeof(ParamArrayAttribute)) ? "params " : string.Empty;
        if (p.Member is MethodInfo { IsStatic: true } owner && owner.IsDefined(typeof(System.Runtime.CompilerServices.ExtensionAttribute)) && p.Position == 0)
        {
            prefix = "this " + prefix;
        }

        var text = $"{prefix}{Nullable(p)} {p.Name}";
        return p.HasDefaultValue ? text + " = " + (p.DefaultValue is null ? (p.ParameterType.IsValueType ? "default" : "null") : p.DefaultValue is string s ? $"\"{s}\"" : Convert.ToString(p.DefaultValue, System.Globalization.CultureInfo.InvariantCulture)) : text;
    }));

    private static string Generic(MethodInfo m) => m.IsGenericMethodDefinition ? "<" + string.Join(", ", m.GetGenericArguments().Select(a => a.Name)) + ">" : string.Empty;

    private static string Nullable(ParameterInfo p) => Render(p.ParameterType, s_nullability.Create(p));

    private static string Nullable(PropertyInfo p) => Render(p.PropertyType, s_nullability.Create(p));

    private static string Nullable(FieldInfo f) => Render(f.FieldType, s_nullability.Create(f));

    private static string Render(Type type, NullabilityInfo info)
    {
        if (type.IsByRef)
        {
            return Render(type.GetElementType()!, info.ElementType ?? info);
        }

        var text = type.IsGenericType && !type.IsGenericTypeDefinition && System.Nullable.GetUnderlyingType(type) is null
            ? GenericName(type) + "<" + string.Join(", ", type.GetGenericArguments().Select((a, i) => i < info.GenericTypeArguments.Length ? Render(a, info.GenericTypeArguments[i]) : Name(a))) + ">"
            : Name(type);
        return !type.IsValueType && info.ReadState == NullabilityState.Nullable ? text + "?" : text;
    }

    private static string GenericName(Type type)
    {
        var name = type.GetGenericTypeDefinition().FullName ?? type.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        return (tick >= 0 ? name[..tick] : name).Replace('+', '.');
    }

    private static string Name(Type type)
    {
        if (System.Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }

        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        var keyword = Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => "bool",
            TypeCode.Int32 => "int",
            TypeCode.Int64 => "long",
            TypeCode.Double => "double",
            TypeCode.String => "string",
            TypeCode.Byte => "byte",
            TypeCode.Char => "char",
            _ => null,
        };
        if (keyword is not null && !type.IsEnum)
        {
            return keyword;
        }

        if (type == typeof(object))
        {
            return "object";
        }

        if (type == typeof(void))
        {
            return "void";
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        if (type.IsGenericType)
        {
            return GenericName(type) + "<" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ">";
        }

        return (type.FullName ?? type.Name).Replace('+', '.');
    }

    /// <summary>
    /// Compares the assembly's surface with the committed file. On a mismatch writes <c>*.received.txt</c> beside it
    /// and fails with a diff; with <c>TOOLLOOP_ACCEPT=1</c> accepts the new surface.
    /// </summary>
    public static void Verify(Assembly assembly, string approvedPath)
    {
        var actual = Write(assembly);
        var receivedPath = Path.ChangeExtension(approvedPath, ".received.txt");
        var approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : string.Empty;
        if (approved == actual)
        {
            File.Delete(receivedPath);
            return;
        }

        if (Environment.GetEnvironmentVariable("TOOLLOOP_ACCEPT") == "1")
        {
            File.WriteAllText(approvedPath, actual);
            File.Delete(receivedPath);
            return;
        }

        File.WriteAllText(receivedPath, actual);
        Xunit.Assert.Fail($"The public API of {assembly.GetName().Name} changed. Review the diff, then run the tests with TOOLLOOP_ACCEPT=1 to accept it.\n" +
            $"approved: {approvedPath}\nreceived: {receivedPath}\n{Diff(approved, actual)}");
    }

    private static string Diff(string approved, string actual)
    {
        var before = new HashSet<string>(approved.Split('\n'), StringComparer.Ordinal);
        var after = new HashSet<string>(actual.Split('\n'), StringComparer.Ordinal);
        var sb = new StringBuilder();
        foreach (var line in approved.Split('\n').Where(l => !after.Contains(l)))
        {
            sb.Append("- ").AppendLine(line);
        }

        foreach (var line in actual.Split('\n').Where(l => !before.Contains(l)))
        {
            sb.Append("+ ").AppendLine(line);
        }

        return sb.ToString();
    }
}
