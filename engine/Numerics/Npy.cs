namespace LlmOperator.Engine.Numerics;

/// <summary>CONTRACT STUB (owner: weights helper): NumPy .npy float32 arrays, version 1.0 header, C order.</summary>
public static class Npy
{
    public static void WriteFloat32(string path, float[] data, long[] shape) => throw new NotImplementedException();

    public static (float[] Data, long[] Shape) ReadFloat32(string path) => throw new NotImplementedException();
}
