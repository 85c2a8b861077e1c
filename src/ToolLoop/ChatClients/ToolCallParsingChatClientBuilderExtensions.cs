using Microsoft.Extensions.AI;

namespace ToolLoop;

/// <summary>Puts a <see cref="ToolCallParsingChatClient"/> into a <see cref="ChatClientBuilder"/> pipeline (feature 38).</summary>
/// <remarks>
/// The parsing client must be beneath the client that runs the calls, and the first <c>Use…</c> of a builder is the
/// outermost: <c>builder.UseToolLoop().UseToolCallParsing()</c> (or <c>UseFunctionInvocation().UseToolCallParsing()</c>).
/// Built the other way round, the parsing client throws <see cref="InvalidOperationException"/> when the pipeline is built.
/// </remarks>
public static class ToolCallParsingChatClientBuilderExtensions
{
    /// <summary>Adds tool-call parsing to the pipeline.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options; called each time the pipeline is built. <see langword="null"/> for the defaults (format <see cref="ToolCallFormat.Auto"/>).</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseToolCallParsing(this ChatClientBuilder builder, Action<ToolCallParsingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseToolCallParsing((options, _) => configure?.Invoke(options));
    }

    /// <summary>Adds tool-call parsing of one format to the pipeline.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="format">The markup to read.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseToolCallParsing(this ChatClientBuilder builder, ToolCallFormat format)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseToolCallParsing((options, _) => options.Format = format);
    }

    /// <summary>Adds tool-call parsing to the pipeline, configured from the builder's services.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options from the service provider; called each time the pipeline is built.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseToolCallParsing(this ChatClientBuilder builder, Action<ToolCallParsingOptions, IServiceProvider> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.Use((inner, services) =>
        {
            var options = new ToolCallParsingOptions();
            configure(options, services);
            return new ToolCallParsingChatClient(inner, options);
        });
    }
}
