using System.ComponentModel;
using Microsoft.Extensions.AI;

namespace ToolLoop.Tests.Scenarios;

/// <summary>Real <see cref="AIFunction"/>s the scripted model calls.</summary>
public static class TestTools
{
    public static AIFunction Weather(List<string>? calls = null) => AIFunctionFactory.Create(
        ([Description("The city")] string city) =>
        {
            calls?.Add(city);
            return $"{city}: sunny, 22 C";
        },
        "get_weather",
        "Gets the current weather for a city.");
}
