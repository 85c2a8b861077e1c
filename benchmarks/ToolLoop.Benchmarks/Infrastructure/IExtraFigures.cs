namespace ToolLoop.Benchmarks.Infrastructure;

/// <summary>An input that contributes more figures to <c>*-figures.json</c> (for example examined characters per character).</summary>
public interface IExtraFigures
{
    /// <summary>Gets the extra figures for the benchmark method <paramref name="method"/> run on this input.</summary>
    /// <param name="method">The benchmark method's name.</param>
    /// <returns>Name and value pairs.</returns>
    IEnumerable<(string Name, double Value)> Figures(string method);
}
