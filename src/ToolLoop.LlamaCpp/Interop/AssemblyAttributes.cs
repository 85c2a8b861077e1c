using System.Runtime.CompilerServices;

// The llama.cpp structs hold C `bool` fields (1 byte). With runtime marshalling disabled, C# `bool`
// is a blittable 1-byte value and the structs pass by value as raw memory, exactly as in C.
// Without it the marshaller widens bools to 4 bytes and corrupts the context parameters.
[assembly: DisableRuntimeMarshalling]
