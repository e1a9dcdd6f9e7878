using System.Runtime.CompilerServices;
using TorchSharp;

namespace LlmOperator.Engine.Tests;

/// <summary>
/// One intra-op thread for every test: xUnit already runs test classes in parallel, and the tests' tensors are tiny,
/// so libtorch's OpenMP pool only adds barriers. On a loaded 2-core machine those barriers made a tiny model's decode
/// step ~20× slower (475 ms instead of 23 ms, measured).
/// </summary>
internal static class TorchThreads
{
    [ModuleInitializer]
    internal static void UseOneThread() => torch.set_num_threads(1);
}
