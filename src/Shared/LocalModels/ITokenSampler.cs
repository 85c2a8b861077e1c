namespace ToolLoop.LocalModels;

/// <summary>One request's token picker (a sampler chain, a generator's search): created by <see cref="ILocalSession.CreateSampler"/>, disposed when the request ends.</summary>
internal interface ITokenSampler : IDisposable
{
    /// <summary>Picks the next token from the distribution left by the last evaluated token.</summary>
    int Next(CancellationToken cancellationToken);
}
