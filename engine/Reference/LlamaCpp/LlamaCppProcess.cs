using LlmOperator.Engine.Numerics;
using LlmOperator.Engine.Reference.Commands;

namespace LlmOperator.Engine.Reference.LlamaCpp;

/// <summary>
/// llama.cpp evaluated in a child engine process (<see cref="LlamaCppLogitsCommand"/>), never in the caller's: a
/// malformed GGUF can make llama.cpp abort the whole process. A failed child is a <see cref="ChildProcessException"/>
/// carrying the exit code (or signal) and the tail of llama.cpp's stderr.
/// </summary>
public static class LlamaCppProcess
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// On an abort ggml attaches gdb to print a backtrace, which takes seconds and buries the GGML_ASSERT line under
    /// debugger output; the assertion text is what the caller reports, so the backtrace is switched off.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Environment = new Dictionary<string, string> { ["GGML_NO_BACKTRACE"] = "1" };

    /// <summary>Logits of every position, <c>[tokens.Count, vocab]</c> row-major, from llama.cpp on <paramref name="ggufPath"/>.</summary>
    public static (float[] Logits, long[] Shape) Logits(string ggufPath, IReadOnlyList<int> tokens, int threads, TimeSpan? timeout = null)
    {
        string output = Path.Combine(Path.GetTempPath(), $"llamacpp-logits-{Guid.NewGuid():N}.npy");
        try
        {
            EngineChildProcess.Run([LlamaCppLogitsCommand.Name, "--gguf", ggufPath, "--token-ids", TokenIds.Format(tokens),
                "--out", output, "--threads", threads.ToString()], timeout ?? DefaultTimeout, Environment);
            if (!File.Exists(output))
                throw new ChildProcessException($"llama.cpp child for {ggufPath} exited 0 but wrote no logits file {output}.");
            return Npy.ReadFloat32(output);
        }
        finally
        {
            if (File.Exists(output)) File.Delete(output);
        }
    }
}
