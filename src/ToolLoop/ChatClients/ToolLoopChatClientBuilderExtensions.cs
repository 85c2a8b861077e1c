using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace ToolLoop;

/// <summary>Puts a <see cref="ToolLoopChatClient"/> into a <see cref="ChatClientBuilder"/> pipeline (feature 38).</summary>
/// <remarks>
/// The first <c>Use…</c> of a builder is the outermost client. The loop must be above anything that reads text calls:
/// <c>builder.UseToolLoop().UseToolCallParsing()</c>, or let the loop read them itself with
/// <c>UseToolLoop(o =&gt; o.TextToolCalls = ToolCallFormat.Auto)</c>.
/// </remarks>
public static class ToolLoopChatClientBuilderExtensions
{
    /// <summary>Adds the agent loop to the pipeline.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options of the loop; called each time the pipeline is built. <see langword="null"/> for the defaults.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <remarks>
    /// When <see cref="ToolLoopOptions.LoggerFactory"/> or <see cref="ToolLoopOptions.Services"/> is left unset, the
    /// builder's service provider supplies them (its <see cref="ILoggerFactory"/>, and itself for the tools).
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseToolLoop(this ChatClientBuilder builder, Action<ToolLoopOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseToolLoop((options, _) => configure?.Invoke(options));
    }

    /// <summary>Adds the agent loop to the pipeline, configured from the builder's services.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options of the loop from the service provider; called each time the pipeline is built.</param>
    /// <returns><paramref name="builder"/>.</returns>
    /// <remarks>Unset <see cref="ToolLoopOptions.LoggerFactory"/> and <see cref="ToolLoopOptions.Services"/> come from the service provider.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static ChatClientBuilder UseToolLoop(this ChatClientBuilder builder, Action<ToolLoopOptions, IServiceProvider> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.Use((inner, services) =>
        {
            var options = new ToolLoopOptions();
            configure(options, services);
            options.LoggerFactory ??= services.GetService(typeof(ILoggerFactory)) as ILoggerFactory;
            options.Services ??= services;
            return new ToolLoopChatClient(inner, options);
        });
    }
}
