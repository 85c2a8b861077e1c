using Microsoft.Extensions.AI;

namespace ToolLoop.LocalModels;

/// <summary>
/// <see cref="IChatClient.GetService"/> of a local adapter, written once: its metadata, its model, its statistics
/// and the client itself, by exact type; nothing for a service key.
/// </summary>
internal static class LocalClientServices
{
    public static object? Get(IChatClient client, Type serviceType, object? serviceKey, ChatClientMetadata metadata, object model, Func<object> statistics)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return metadata;
        }

        if (serviceType == model.GetType())
        {
            return model;
        }

        object current = statistics();
        if (serviceType == current.GetType())
        {
            return current;
        }

        return serviceType.IsInstanceOfType(client) ? client : null;
    }
}
