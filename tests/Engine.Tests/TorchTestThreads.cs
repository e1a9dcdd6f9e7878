using System.Runtime.CompilerServices;
using TorchSharp;

namespace LlmOperator.Engine.Tests;

/// <summary>
/// One libtorch compute thread for the whole test assembly. xUnit runs test classes in parallel and the CI
/// box has 2 shared cores: with libtorch's default OpenMP pool every small op of every test spins waiting for
/// threads that are not scheduled, which made the attention property test 10× slower (2 min 42 s vs 14 s).
/// Results do not depend on the thread count; only speed does.
/// </summary>
internal static class TorchTestThreads
{
    [ModuleInitializer]
    internal static void UseOneThread() => torch.set_num_threads(1);
}
